/**
 * Failure tests with real processes: a worker killed (-9) or shut down in the
 * middle of a job, and the Temporal server killed (-9) mid-run and restarted
 * on the same database. Each run must complete with exactly one container per
 * attempt and every line the component printed stored once, in order.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { parseFlow } from '../flow/index.ts';
import { startDevServer, type DevServer } from '../cli/temporal-server.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { waitForTemporal } from '../worker/connect.ts';
import type { RunInput } from '../contracts/run-input.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { countingFlow } from './support/counting-flow.ts';
import { repoRoot } from './support/paths.ts';
import { freePort } from './support/ports.ts';

const LINES = 30;
const dir = mkdtempSync(join(tmpdir(), 'coflow-durability-'));
const children: ChildProcess[] = [];
const servers: DevServer[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A worker in its own process, as in production. */
function startWorker(temporalAddress: string, taskQueue: string, dataDir: string): ChildProcess {
  const child = spawn(process.execPath, [join(repoRoot, 'worker/main.ts')], {
    env: {
      ...process.env,
      COFLOW_TEMPORAL_ADDRESS: temporalAddress,
      COFLOW_TASK_QUEUE: taskQueue,
      COFLOW_DATA_DIR: dataDir,
      COFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

function waitForOutput(child: ChildProcess, text: string): Promise<void> {
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

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A one-job flow whose component prints a numbered line every 300 ms. */
function countingRun(uri: string): RunInput {
  const flow = parseFlow(countingFlow(uri, LINES, 0.3));
  return { runId: `${uri}#1`, number: 1, flowVersion: 1, flow };
}

async function waitForLines(store: Store, runId: string, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await store.readLogs({ runId, limit: 10_000 })).lines.length < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} log lines stored for ${runId} after 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Containers ever created for a run, from the Docker event log (removed ones included). */
function containersCreated(runId: string, since: number): string[] {
  const out = execFileSync(
    'docker',
    ['events', '--since', String(Math.floor(since / 1000) - 1), '--until', String(Math.ceil(Date.now() / 1000) + 1),
      '--filter', 'type=container', '--filter', 'event=create', '--filter', `label=coflow.run=${runId}`, '--format', '{{.Actor.Attributes.name}}'],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

/** Containers of a run that exist now, running or exited. */
function existingContainers(runId: string): string[] {
  return execFileSync('docker', ['ps', '-a', '--filter', `label=coflow.run=${runId}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

async function expectCompleteLog(store: Store, runId: string): Promise<void> {
  const lines = (await store.readLogs({ runId, limit: 10_000 })).lines;
  expect(lines.map((l) => l.text)).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1}`));
  expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
}

describe('a worker that dies mid-job', () => {
  it.each([
    ['is killed with SIGKILL', 'SIGKILL'],
    ['shuts down gracefully (SIGTERM)', 'SIGTERM'],
  ] as const)('%s: the retried activity re-attaches to the same container and the job completes once', async (_label, signal) => {
    const taskQueue = `durability-${signal}-${Date.now()}`;
    const dataDir = join(dir, taskQueue);
    const first = startWorker(inject('temporalAddress'), taskQueue, dataDir);
    await waitForOutput(first, 'polling');
    const store = await openSqliteStore(join(dataDir, 'coflow.db'));
    const connection = await waitForTemporal(inject('temporalAddress'), 'default');
    const client = new Client({ connection });
    const input = countingRun(`test/durability/${signal.toLowerCase()}-${Date.now()}`);
    const since = Date.now();
    const handle = await client.workflow.start('runFlow', { taskQueue, workflowId: input.runId, args: [input] });

    await waitForLines(store, input.runId, 5);
    first.kill(signal);
    await exited(first);
    // The container outlived its worker (it may have finished meanwhile: the retry reads its exit).
    expect(existingContainers(input.runId)).toHaveLength(1);

    const second = startWorker(inject('temporalAddress'), taskQueue, dataDir);
    const status = (await handle.result()) as RunStatus;
    expect(status.state).toBe('succeeded');
    const job = status.stages[0]!.actions[0]!.jobs[0]!;
    expect(job.attempts.map((a) => a.state)).toEqual(['succeeded']);
    expect(containersCreated(input.runId, since)).toHaveLength(1);
    expect(existingContainers(input.runId)).toEqual([]);
    await expectCompleteLog(store, input.runId);

    second.kill('SIGTERM');
    await exited(second);
    await store.close();
    await connection.close();
  });
});

describe('the Temporal server killed mid-run', () => {
  it('comes back on the same database and the run completes, with one container and every line', async () => {
    const port = await freePort();
    const dbFile = join(dir, 'temporal-kill.db');
    const serverOptions = { bin: inject('temporalBin'), dbFile, port, headless: true, logFd: openSync(join(dir, 'temporal-kill.log'), 'a') };
    let server = await startDevServer(serverOptions);
    servers.push(server);
    const taskQueue = `durability-server-${Date.now()}`;
    const dataDir = join(dir, taskQueue);
    const worker = startWorker(server.address, taskQueue, dataDir);
    await waitForOutput(worker, 'polling');
    const store = await openSqliteStore(join(dataDir, 'coflow.db'));
    let connection = await waitForTemporal(server.address, 'default');
    const input = countingRun(`test/durability/server-${Date.now()}`);
    const since = Date.now();
    await new Client({ connection }).workflow.start('runFlow', { taskQueue, workflowId: input.runId, args: [input] });
    await connection.close();

    await waitForLines(store, input.runId, 5);
    server.process.kill('SIGKILL');
    await server.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    server = await startDevServer(serverOptions);
    servers.push(server);

    connection = await waitForTemporal(server.address, 'default');
    const status = (await new Client({ connection }).workflow.getHandle(input.runId).result()) as RunStatus;
    expect(status.state).toBe('succeeded');
    expect(status.stages[0]!.actions[0]!.jobs[0]!.attempts).toHaveLength(1);
    expect(containersCreated(input.runId, since)).toHaveLength(1);
    await expectCompleteLog(store, input.runId);

    worker.kill('SIGTERM');
    await exited(worker);
    await store.close();
    await connection.close();
  });
});
