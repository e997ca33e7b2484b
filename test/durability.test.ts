/**
 * Failure tests with real processes on the docker runner: a worker killed
 * (-9) or shut down (SIGTERM) in the middle of a job (the worker-loss suite,
 * test/support/worker-loss-suite.ts), and the Temporal server killed (-9)
 * mid-run and restarted on the same database. Each run must complete with
 * exactly one container per attempt and every line the component printed
 * stored once, in order.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../cli/temporal-server.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { waitForTemporal } from '../worker/connect.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { countingRun, expectCountedLog, waitForLines } from './support/counting-flow.ts';
import { freePort } from './support/ports.ts';
import { dockerCensus } from './support/docker-census.ts';
import { workerLossSuite } from './support/worker-loss-suite.ts';
import { exited, startWorkerProcess, waitForOutput } from './support/worker-process.ts';

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

workerLossSuite({ kind: 'docker', workerEnv: { COFLOW_RUNNER: 'docker' }, census: (runId) => Promise.resolve(dockerCensus(runId)) }, ['SIGKILL', 'SIGTERM']);

describe('the Temporal server killed mid-run', () => {
  it('comes back on the same database and the run completes, with one container and every line', async () => {
    const port = await freePort();
    const dbFile = join(dir, 'temporal-kill.db');
    const serverOptions = { bin: inject('temporalBin'), dbFile, port, headless: true, logFd: openSync(join(dir, 'temporal-kill.log'), 'a') };
    let server = await startDevServer(serverOptions);
    servers.push(server);
    const taskQueue = `durability-server-${Date.now()}`;
    const dataDir = join(dir, taskQueue);
    const worker = startWorkerProcess({ temporalAddress: server.address, taskQueue, dataDir });
    children.push(worker);
    await waitForOutput(worker, 'polling');
    const store = await openSqliteStore(join(dataDir, 'coflow.db'));
    let connection = await waitForTemporal({ temporalAddress: server.address, namespace: 'default' });
    const input = countingRun(`test/durability/server-${Date.now()}`, LINES, 0.3);
    const census = dockerCensus(input.runId);
    await new Client({ connection }).workflow.start('runFlow', { taskQueue, workflowId: input.runId, args: [input] });
    await connection.close();

    await waitForLines(store, input.runId, 5);
    server.process.kill('SIGKILL');
    await server.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    server = await startDevServer(serverOptions);
    servers.push(server);

    connection = await waitForTemporal({ temporalAddress: server.address, namespace: 'default' });
    const status = (await new Client({ connection }).workflow.getHandle(input.runId).result()) as RunStatus;
    expect(status.state).toBe('succeeded');
    expect(status.stages[0]!.actions[0]!.jobs[0]!.attempts).toHaveLength(1);
    expect(await census.created()).toHaveLength(1);
    await expectCountedLog(store, input.runId, LINES);

    worker.kill('SIGTERM');
    await exited(worker);
    await store.close();
    await connection.close();
  });
});
