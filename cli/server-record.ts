/**
 * The pid file of the Temporal server `coflow dev` starts
 * (`<data dir>/temporal.pid`): its pid and the command line it was started
 * with. A `coflow dev` killed without a chance to stop its server (SIGKILL, a
 * crash, a closed terminal) leaves that server running on the database; the
 * next `coflow dev` on the same data directory reads the record, recognises
 * its predecessor's server by pid AND command line (a reused pid runs another
 * command) and stops it before starting its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

export interface ServerRecord {
  readonly pid: number;
  /** The command line: the Temporal CLI, then its arguments (database file and ports among them). */
  readonly argv: readonly string[];
  readonly startedAt: string;
}

/** Writes the record atomically (a crash mid-write leaves the previous one). */
export function writeServerRecord(file: string, record: ServerRecord): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The record, or undefined when there is none or it is not one (then it is ignored). */
export function readServerRecord(file: string): ServerRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerRecord>;
    if (typeof r.pid !== 'number' || !Array.isArray(r.argv) || r.argv.some((a) => typeof a !== 'string')) return undefined;
    return { pid: r.pid, argv: r.argv, startedAt: String(r.startedAt) };
  } catch {
    return undefined;
  }
}

export function removeServerRecord(file: string): void {
  rmSync(file, { force: true });
}

/** A process's command line, or undefined when no such process runs (a zombie counts as gone). */
export function commandLine(pid: number): string | undefined {
  if (existsSync('/proc/self/cmdline')) {
    try {
      if (/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return undefined;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv.at(-1) === '') argv.pop();
      return argv.length === 0 ? undefined : argv.join(' ');
    } catch {
      return undefined;
    }
  }
  try {
    return execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when the recorded process still runs the recorded command. The
 * program path is not compared (a wrapper script that `exec`s the CLI shows
 * the CLI's path); the arguments name the database file and the ports.
 */
export function runsRecordedServer(record: ServerRecord): boolean {
  const live = commandLine(record.pid);
  const args = record.argv.slice(1).join(' ');
  return live !== undefined && args !== '' && live.endsWith(` ${args}`);
}

/** Sends `sig`; a process that is already gone is not an error. */
function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
  return true;
}

/**
 * Stops the server an earlier `coflow dev` left running (SIGTERM, then
 * SIGKILL after `graceMs`) and removes its record; returns its pid, or
 * undefined when the record names no live server of ours.
 */
export async function stopRecordedServer(file: string, graceMs = 10_000): Promise<number | undefined> {
  const record = readServerRecord(file);
  if (record === undefined || !runsRecordedServer(record)) {
    removeServerRecord(file);
    return undefined;
  }
  signal(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let killed = false;
  while (commandLine(record.pid) !== undefined) {
    if (!killed && Date.now() > deadline) killed = signal(record.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
  removeServerRecord(file);
  return record.pid;
}
