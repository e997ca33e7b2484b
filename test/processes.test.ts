/**
 * The processes of the production topology, as their commands start them:
 * `coflow api` (no worker) and `coflow worker` (no API; probes and metrics on
 * a port of its own), sharing a store, on the test Temporal server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { repoRoot } from './support/paths.ts';
import { freePort } from './support/ports.ts';
import { exited } from './support/worker-process.ts';
import { waitForRun } from './support/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'coflow-processes-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `coflow <command>`; resolves with the process and the first line matching `ready` on stdout. */
function coflow(command: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`coflow ${command} printed nothing matching ${String(ready)} in 60 s: ${out}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    child.once('exit', (code) => reject(new Error(`coflow ${command} exited (${String(code)}) before it was ready: ${out}`)));
  });
}

describe('coflow api and coflow worker', () => {
  it('serve a run between them, each with its own probes, and stop on SIGTERM', async () => {
    const env = {
      COFLOW_TEMPORAL_ADDRESS: inject('temporalAddress'),
      COFLOW_TASK_QUEUE: `processes-${Date.now()}`,
      COFLOW_DATA_DIR: dir,
      COFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      COFLOW_API_PORT: String(await freePort()),
      COFLOW_WORKER_PORT: '0',
    };
    const worker = await coflow('worker', env, /metrics and probes on (http:\/\/\S+)/);
    const api = await coflow('api', env, /listening on (http:\/\/\S+)/);
    const workerUrl = worker.match[1]!;
    const client = new ApiClient(api.match[1]!);

    // The API process has no worker: a run it starts is taken by the worker process.
    const flow = await client.applyFlow(`
uri: test/processes/hello
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "echo from the worker process" } ] } ] }
`);
    const run = await waitForRun(client, (await client.startRun(flow.uri)).runId);
    expect(run.state).toBe('succeeded');
    expect((await client.logs(run.runId, {})).lines.map((l) => l.text)).toEqual(['from the worker process']);

    expect(await (await fetch(`${workerUrl}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${workerUrl}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, checks: { worker: 'ok', store: 'ok', temporal: 'ok' } }]);
    // The worker ran the attempt: its own registry counts it; the API's does not.
    expect(await (await fetch(`${workerUrl}/metrics`)).text()).toMatch(/coflow_job_attempt_duration_seconds_count\{result="succeeded"\} 1\b/);
    expect((await client.probe('/metrics')).body).not.toMatch(/coflow_job_attempt_duration_seconds_count\{result="succeeded"\} [1-9]/);
    expect((await fetch(`${workerUrl}/api/v1/flows`)).status).toBe(404);

    for (const p of [api.child, worker.child]) p.kill('SIGTERM');
    await Promise.all([exited(api.child), exited(worker.child)]);
    expect([api.child.exitCode, worker.child.exitCode]).toEqual([0, 0]);
  });
});
