/**
 * A worker-only coflow process with the no-op runner (what `coflow worker`
 * is in the production topology), for benches that measure the API on its
 * own process: `startWorkerProcess(options)` spawns it and resolves once its
 * worker runs; `stop()` ends it (SIGTERM, then SIGKILL after 30 s).
 * Run as a script, it reads its options from argv[2] (JSON).
 */
import { spawn } from 'node:child_process';
import type { StoreConfig } from '../../store/open-store.ts';
import { startPlatform } from '../../worker/platform.ts';
import { noopRunner } from './noop-runner.ts';

export interface WorkerProcessOptions {
  readonly dataDir: string;
  readonly temporalAddress: string;
  readonly taskQueue: string;
  readonly componentsDir: string;
  readonly store?: StoreConfig;
}

export interface WorkerProcess {
  stop(): Promise<void>;
}

export function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [import.meta.filename, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve({ stop });
    });
    child.once('exit', (code) => reject(new Error(`the bench worker process exited ${String(code)} before it was ready`)));
  });
}

async function main(options: WorkerProcessOptions): Promise<void> {
  const platform = await startPlatform({
    ...options, namespace: 'default', apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock',
    runner: noopRunner, serveApi: false, resolveSecret: () => Promise.resolve(undefined),
  });
  process.stdout.write('ready\n');
  const stop = (): void => void platform.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] === import.meta.filename) await main(JSON.parse(process.argv[2]!) as WorkerProcessOptions);
