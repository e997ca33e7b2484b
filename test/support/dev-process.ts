/**
 * `coflow dev` as a user starts it, in a child process, and the `coflow` CLI
 * next to it: for the tests of the one-machine topology.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

export interface DevProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr apart. */
  readonly out: () => string;
  readonly err: () => string;
  /** Resolves once it printed `text` (on either stream). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with its exit code, or its signal. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/** Starts `coflow dev` and resolves once it says it is running. */
export async function startDev(env: NodeJS.ProcessEnv): Promise<DevProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'dev'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); for (const w of watchers) w(); });
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); for (const w of watchers) w(); });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const waitFor = (text: string, timeoutMs = 60_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!(out + err).includes(text)) return;
        watchers.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => { watchers.delete(check); reject(new Error(`coflow dev did not print "${text}" in ${timeoutMs} ms:\n${out}${err}`)); }, timeoutMs);
      watchers.add(check);
      void exited.then((code) => { if (watchers.has(check)) { clearTimeout(timer); reject(new Error(`coflow dev exited (${String(code)}) before printing "${text}":\n${out}${err}`)); } });
      check();
    });
  const dev = { child, out: () => out, err: () => err, waitFor, exited };
  await waitFor('Press Ctrl-C to stop.', 90_000);
  return dev;
}

/** Runs the `coflow` CLI; resolves with its exit code and output. */
export function coflowCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
