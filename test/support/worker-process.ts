/**
 * A worker in its own process (worker/main.ts), as in production: the tests
 * that kill or stop a worker mid-job start it here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { repoRoot } from './paths.ts';

export interface WorkerProcessOptions {
  readonly temporalAddress: string;
  readonly taskQueue: string;
  readonly dataDir: string;
  /** More of its environment (COFLOW_RUNNER and the runner's settings). */
  readonly env?: Readonly<Record<string, string>>;
}

const stderrs = new WeakMap<ChildProcess, string>();

/** What the worker printed on stderr so far. */
export function stderrOf(child: ChildProcess): string {
  return stderrs.get(child) ?? '';
}

/** Starts `worker/main.ts` with the workflow bundle the global setup built; its stderr goes to ours, and is kept (stderrOf). */
export function startWorkerProcess(options: WorkerProcessOptions): ChildProcess {
  const child = spawn(process.execPath, [join(repoRoot, 'worker/main.ts')], {
    env: {
      ...process.env,
      ...options.env,
      COFLOW_TEMPORAL_ADDRESS: options.temporalAddress,
      COFLOW_TASK_QUEUE: options.taskQueue,
      COFLOW_DATA_DIR: options.dataDir,
      COFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      // Several workers at once: each serves its probes and metrics on a port of its own.
      COFLOW_WORKER_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stderrs.set(child, '');
  child.stderr.on('data', (chunk: Buffer) => {
    stderrs.set(child, stderrOf(child) + chunk.toString());
    process.stderr.write(chunk);
  });
  return child;
}

/** Resolves once the process printed `text` on stdout (`polling` once it takes tasks). */
export function waitForOutput(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`worker did not print "${text}" in 60 s`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}
