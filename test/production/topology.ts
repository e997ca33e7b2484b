/**
 * The production topology of one test file: its own database on the shared
 * PostgreSQL server, any number of `coflow api` and `coflow worker` processes
 * (the real commands) on the shared real Temporal server, each on its own port.
 * The global setup (global-setup.ts) starts PostgreSQL and Temporal once.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ApiClient } from '../../cli/api-client.ts';
import { repoRoot } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';
import { exited } from '../support/worker-process.ts';
import { createTestDatabase } from './support/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The real Temporal server (on PostgreSQL) all production tests share. */
    prodTemporalAddress: string;
    /** The environment scripts/temporal-server.sh needs to start that server again. */
    prodTemporalEnv: Record<string, string>;
  }
}

/** One `coflow api` or `coflow worker` process. */
export interface CoflowProcess {
  readonly child: ChildProcess;
  /** The API's or the worker endpoints' base URL. */
  readonly url: string;
  /** SIGKILL (a crash) or SIGTERM (a drain); resolves once it exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export interface Topology {
  readonly databaseUrl: string;
  readonly taskQueue: string;
  /** Environment every process of this topology shares. */
  readonly env: Readonly<Record<string, string>>;
  /** Starts `coflow api` on `port` (a fresh one when unset). */
  api(port?: number, env?: Readonly<Record<string, string>>): Promise<CoflowProcess & { readonly client: ApiClient; readonly port: number }>;
  worker(env?: Readonly<Record<string, string>>): Promise<CoflowProcess>;
  /** Stops every process still running and drops the database. */
  close(): Promise<void>;
}

/** Starts a coflow command and resolves once it printed the line that says where it serves. */
function startCommand(command: 'api' | 'worker', env: Readonly<Record<string, string>>, children: ChildProcess[]): Promise<CoflowProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const ready = command === 'api' ? /listening on (http:\/\/\S+)/ : /metrics and probes on (http:\/\/\S+)/;
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`coflow ${command} was not ready within 90 s: ${out}`)), 90_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      resolve({
        child,
        url: m[1]!,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited(child);
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coflow ${command} exited (${String(code)}) before it was ready: ${out}`));
    });
  });
}

/**
 * A topology for one test file: a database of its own on the PostgreSQL server
 * at `serverUrl`, migrated with `coflow migrate` as an operator would, a task
 * queue of its own, a shared secrets key, the prebuilt workflow bundle.
 */
export async function startTopology(name: string, serverUrl: string): Promise<Topology> {
  const database = await createTestDatabase(serverUrl);
  const databaseUrl = database.url;
  const dataDir = mkdtempSync(join(tmpdir(), `coflow-${name}-`));
  const taskQueue = `prod-${name}-${process.pid}-${Date.now().toString(36)}`;
  const env = {
    COFLOW_DATABASE_URL: databaseUrl,
    COFLOW_SECRETS_KEY: randomBytes(32).toString('base64'),
    COFLOW_SESSION_KEY: randomBytes(36).toString('base64'),
    COFLOW_TEMPORAL_ADDRESS: inject('prodTemporalAddress'),
    COFLOW_TASK_QUEUE: taskQueue,
    COFLOW_DATA_DIR: dataDir,
    COFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    COFLOW_WORKER_PORT: '0',
  };
  const children: ChildProcess[] = [];
  // The schema first, as an operator would: API servers and workers refuse a database that is not migrated.
  execFileSync(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'migrate'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    databaseUrl,
    taskQueue,
    env,
    async api(port, extra = {}) {
      const p = port ?? (await freePort());
      const proc = await startCommand('api', { ...env, ...extra, COFLOW_API_PORT: String(p) }, children);
      return { ...proc, port: p, client: new ApiClient(proc.url) };
    },
    worker: (extra = {}) => startCommand('worker', { ...env, ...extra }, children),
    async close() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await Promise.all(children.map((c) => exited(c)));
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
