/**
 * Flow `concurrency`: at most `max` open runs per flow; past that a new run
 * queues (first come, first served), cancels the earlier ones, or is rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPath } from '../cli/api-client.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { containersOfRun, job, startHarness, waitForRun, type Harness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const flow = (name: string, onLimit: string, script: string) => `
uri: test/concurrency/${name}
concurrency: { max: 1, onLimit: ${onLimit} }
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: work, endpoint: coflow/shell:1.0.0, script: "${script}" } ] } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: cleanup, endpoint: coflow/shell:1.0.0, script: "echo cleanup" } ] } ] }
`;

async function whenRunning(runId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (job(await h.api.runStatus(runId), 's.a.work').state !== 'running') {
    if (Date.now() > deadline) throw new Error(`${runId} did not start its job`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('concurrency', () => {
  it('queues runs past the limit and runs them one at a time, in order', async () => {
    const { uri } = await h.api.applyFlow(flow('queue', 'queue', 'sleep 2'));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.api.startRun(uri)).runId);
    const second = await h.api.runStatus(ids[1]!);
    expect(second.queued).toBe(true);
    const runs: RunStatus[] = [];
    for (const id of ids) runs.push(await waitForRun(h.api, id));
    expect(runs.map((r) => r.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (let i = 1; i < runs.length; i++) {
      // Each run's job started only after the previous run had ended (end stage included).
      expect(Date.parse(job(runs[i]!, 's.a.work').startedAt!)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]!.endedAt!));
    }
  });

  it('cancel-previous: a new run cancels the open one, whose end jobs still run', async () => {
    const { uri } = await h.api.applyFlow(flow('cancel-previous', 'cancel-previous', 'sleep 300'));
    const first = (await h.api.startRun(uri)).runId;
    await whenRunning(first);
    const second = (await h.api.startRun(uri)).runId;
    const a = await waitForRun(h.api, first);
    expect(a.state).toBe('cancelled');
    expect(job(a, 'end.e.cleanup').state).toBe('succeeded');
    expect(containersOfRun(first)).toEqual([]);
    await whenRunning(second);
    const b = await h.api.runStatus(second);
    expect(b.cancelledRuns).toEqual([first]);
    await h.api.request('POST', `${runPath(second)}/cancel`);
    expect((await waitForRun(h.api, second)).state).toBe('cancelled');
  });

  it('reject: a start past the limit is refused at once, and a run that got past the API ends without running anything', async () => {
    const { uri } = await h.api.applyFlow(flow('reject', 'reject', 'sleep 300'));
    const first = (await h.api.startRun(uri)).runId;
    await whenRunning(first);

    const refused = await h.api.startRun(uri).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409, code: 'concurrency_limit' });

    // A start that raced past the API's check (or came from a schedule): the run itself refuses.
    const stored = (await h.platform.store.getFlow(uri))!;
    const runId = `${uri}#99`;
    await h.platform.client.workflow.start('runFlow', {
      taskQueue: h.taskQueue, workflowId: runId,
      args: [{ runId, number: 99, flowVersion: stored.version, flow: stored.spec }],
    });
    const second = await waitForRun(h.api, runId);
    expect(second.state).toBe('cancelled');
    expect(second.error).toBe('rejected: 1 earlier runs of test/concurrency/reject are open and its concurrency allows 1 (onLimit: reject)');
    expect(second.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs)).map((j) => j.state)).toEqual(['skipped', 'skipped']);
    expect((await h.api.runStatus(first)).state).toBe('running');
    await h.api.request('POST', `${runPath(first)}/cancel`);
    expect((await waitForRun(h.api, first)).state).toBe('cancelled');
  });
});

describe('re-runs start through the same door', () => {
  it('are refused past a reject limit, then start as re-runs, counted and listed as such', async () => {
    const { uri } = await h.api.applyFlow(flow('rerun-reject', 'reject', 'case $CO_RUN_ID in *#1) exit 1;; *#2) sleep 300;; esac'));
    const failed = (await h.api.startRun(uri)).runId;
    expect((await waitForRun(h.api, failed)).state).toBe('failed');
    const open = (await h.api.startRun(uri)).runId;
    await whenRunning(open);

    const refused = await h.api.request('POST', `${runPath(failed)}/rerun`).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409, code: 'concurrency_limit' });
    await h.api.request('POST', `${runPath(open)}/cancel`);
    expect((await waitForRun(h.api, open)).state).toBe('cancelled');

    const rerun = await h.api.request<{ runId: string; rerunOf: string }>('POST', `${runPath(failed)}/rerun`);
    expect(rerun).toMatchObject({ runId: `${uri}#3`, rerunOf: failed });
    const done = await waitForRun(h.api, rerun.runId);
    expect([done.state, done.rerunOf]).toEqual(['succeeded', failed]);
    const metrics = (await h.api.probe('/metrics')).body;
    expect(metrics).toMatch(/coflow_runs_started_total\{trigger="rerun"\} 1\b/);
    // Visibility catches up within a second or so.
    for (let i = 0; ; i++) {
      const listed = await h.api.listRuns({ flow: uri, trigger: 'rerun' });
      if (listed.runs.length === 1) {
        expect(listed.runs[0]).toMatchObject({ runId: rerun.runId, trigger: 'rerun' });
        break;
      }
      if (i > 50) throw new Error(`the re-run never showed up under trigger=rerun: ${JSON.stringify(listed)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
