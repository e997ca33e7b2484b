/**
 * A worker lost while a service job waits for its callback is noticed
 * through heartbeats: Temporal retries the waiting activity on another
 * worker within the heartbeat timeout (10 s), that worker takes the wait
 * over without calling the system again, and the callback completes the job.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RunStatus } from '../contracts/run-status.ts';
import { parseFlow } from '../flow/index.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { waitForTemporal } from '../worker/connect.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { exited, startWorkerProcess, waitForOutput } from './support/worker-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'coflow-service-loss-'));
let worker: ChildProcess | undefined;
let h: Harness | undefined;
let system: Server | undefined;

afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await h?.stop();
  system?.closeAllConnections();
  system?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const logTexts = async (store: Store, runId: string): Promise<string[]> => (await store.readLogs({ runId, limit: 1_000 })).lines.map((l) => l.text);

describe('a worker lost while a service job waits for its callback', () => {
  it('is noticed by heartbeat: another worker takes the wait over and the callback completes the job', async () => {
    const calls: string[] = [];
    system = createServer((req, res) => {
      calls.push(String(req.headers['x-coflow-callback']));
      req.resume();
      res.writeHead(202).end('{}');
    });
    await new Promise<void>((resolve) => system!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(system.address() as AddressInfo).port}`;

    const taskQueue = `service-loss-${Date.now()}`;
    const dataDir = join(dir, 'data');
    // The first worker hands out callback URLs of an API that is not up yet; the token in them is what counts.
    worker = startWorkerProcess({ temporalAddress: inject('temporalAddress'), taskQueue, dataDir, env: { COFLOW_PUBLIC_URL: 'http://127.0.0.1:9' } });
    await waitForOutput(worker, 'polling');
    const store = await openSqliteStore(join(dataDir, 'coflow.db'));
    const connection = await waitForTemporal({ temporalAddress: inject('temporalAddress'), namespace: 'default' });
    try {
      const uri = `test/service-loss/wait-${Date.now()}`;
      const flow = parseFlow(`uri: ${uri}
stages:
  - name: ci
    actions:
      - name: remote
        jobs:
          - { name: build, type: service, service: { url: "${base}/build", callback: { timeout: 2m } }, outputs: [BUILD] }
`);
      const runId = `${uri}#1`;
      const handle = await new Client({ connection }).workflow.start('runFlow', { taskQueue, workflowId: runId, args: [{ runId, number: 1, flowVersion: 1, flow }] });
      await until('the first worker waits', async () => ((await logTexts(store, runId)).some((t) => t.startsWith('service: waiting for a callback')) ? true : undefined));
      worker.kill('SIGKILL');
      await exited(worker);
      const lostAt = Date.now();

      h = await startHarness({ taskQueue, dataDir });
      await until('another worker takes the wait over', async () => ((await logTexts(store, runId)).includes('service: the worker waiting for the callback was lost; this worker waits now') ? true : undefined), 30_000);
      const tookOverMs = Date.now() - lostAt;
      console.log(`service callback wait taken over ${tookOverMs} ms after the worker was killed`);
      expect(tookOverMs).toBeLessThan(20_000);

      const token = calls[0]?.split('/hooks/callback/')[1] ?? '';
      const answer = await fetch(`${h.platform.apiUrl}/hooks/callback/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"outputs": {"BUILD": 7}}' });
      expect(answer.status).toBe(200);
      const status = (await handle.result()) as RunStatus;
      const build = status.stages[0]!.actions[0]!.jobs[0]!;
      expect([status.state, build.attempts.length, build.outputs]).toEqual(['succeeded', 1, { BUILD: '7' }]);
      // The system was called once: the second worker did not call again.
      expect(calls).toHaveLength(1);
    } finally {
      await store.close();
      await connection.close();
    }
  });
});
