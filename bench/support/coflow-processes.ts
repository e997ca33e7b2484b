/**
 * The production topology's processes for a benchmark: `coflow api` and a
 * worker, each a process of its own on the bench's Temporal and store, and
 * what each holds in memory (/proc/<pid>/status). Every process started here
 * is killed by stopAll, which the bench calls in `finally` and on SIGINT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface BenchProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The API's base URL, or the worker's probes and metrics. */
  readonly url: string;
}

const started: ChildProcess[] = [];

/**
 * Starts `node <script> [args]` with `env` over ours; resolves with the URL of
 * the line `ready` matches on its stdout. Its stderr goes to ours.
 */
export function startProcess(script: string, args: readonly string[], env: Readonly<Record<string, string>>, ready: RegExp): Promise<BenchProcess> {
  const child = spawn(process.execPath, [join(root, script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${script} ${args.join(' ')} was not ready within 120 s: ${out}`)), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m === null || child.pid === undefined) return;
      clearTimeout(timer);
      done({ child, pid: child.pid, url: m[1]! });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${script} ${args.join(' ')} exited (${String(code)}) before it was ready: ${out}`));
    });
  });
}

/** `coflow api`, listening on a free port. */
export const startApi = (env: Readonly<Record<string, string>>): Promise<BenchProcess> =>
  startProcess('cli/coflow.ts', ['api'], { ...env, COFLOW_API_PORT: '0' }, /listening on (http:\/\/\S+)/);

/** A worker process: `script` is worker/main.ts or a bench's own entry (bench/scale-worker.ts). */
export const startWorker = (script: string, env: Readonly<Record<string, string>>): Promise<BenchProcess> =>
  startProcess(script, [], { ...env, COFLOW_WORKER_PORT: '0' }, /metrics and probes on (http:\/\/\S+)/);

export interface Memory {
  /** Resident set size now (VmRSS), MiB. */
  readonly rssMiB: number;
  /** Its peak so far (VmHWM), MiB. */
  readonly peakMiB: number;
}

/** The process's memory from /proc/<pid>/status. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** Stops every process started here: SIGTERM, then SIGKILL after 10 s. */
export async function stopAll(): Promise<void> {
  await Promise.all(started.map((child) => new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  })));
}
