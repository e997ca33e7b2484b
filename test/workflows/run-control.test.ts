/**
 * Steering a run through its signals and its start input: pause and resume,
 * cancel (with `end` jobs), and a re-run that reuses earlier outputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pauseSignal, resumeSignal } from '../../contracts/signals.ts';
import { job, jobStates, startWorkflowHarness, statusOf, until, type WorkflowHarness } from './support.ts';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness('control');
});
afterAll(async () => {
  await h?.stop();
});

const IMAGE = 'endpoint: coflow/shell:1.0.0';
const alice = { user: 'alice', roles: ['operator'] };

describe('pause and resume', () => {
  it('lets the running attempt finish, starts no attempt while paused (not even a retry), and goes on after resume', async () => {
    const input = h.input(`
uri: test/wf/pause
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: flaky, ${IMAGE}, retries: { max: 1, backoff: 200ms } }
          - { name: second, ${IMAGE} }
`);
    const handle = await h.start(input, { 's.a.flaky': (attempt) => ({ durationMs: attempt === 1 ? 1_000 : 0, exitCode: attempt === 1 ? 1 : 0 }) });
    await until(handle, 'running its first attempt', () => h.runner.attempts(input.runId).length === 1);
    await handle.signal(pauseSignal, { actor: alice, comment: 'maintenance' });
    const paused = await until(handle, 'paused with the first attempt over', (s) => job(s, 's.a.flaky').attempts[0]?.state === 'failed');
    expect(paused).toMatchObject({ state: 'paused', paused: true });

    // Well past the 200 ms backoff: the retry waits for the resume.
    await new Promise((r) => setTimeout(r, 2_000));
    const still = await statusOf(handle);
    expect(still.state).toBe('paused');
    expect(job(still, 's.a.flaky').attempts).toHaveLength(1);
    expect(job(still, 's.a.second').state).toBe('pending');
    expect(h.runner.attempts(input.runId)).toHaveLength(1);

    const resumedAt = Date.now();
    await handle.signal(resumeSignal, { actor: alice });
    const run = await handle.result();
    expect(run.state).toBe('succeeded');
    expect(run.paused).toBe(false);
    expect(job(run, 's.a.flaky').attempts.map((a) => a.state)).toEqual(['failed', 'succeeded']);
    const later = h.runner.attempts(input.runId).slice(1);
    expect(later.map((a) => [a.jobPath, a.attempt])).toEqual([
      ['s.a.flaky', 2],
      ['s.a.second', 1],
    ]);
    for (const a of later) expect(a.startedAt).toBeGreaterThanOrEqual(resumedAt);
  });
});

describe('cancel', () => {
  it('stops the running attempt, skips the rest, runs the end jobs to completion, and ends cancelled', async () => {
    const input = h.input(`
uri: test/wf/cancel
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: long, ${IMAGE} } ] } ] }
  - { name: after, actions: [ { name: a, jobs: [ { name: never, ${IMAGE} } ] } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: cleanup, ${IMAGE} } ] } ] }
`);
    const handle = await h.start(input, { 's.a.long': { durationMs: 60_000 }, 'end.e.cleanup': { lines: ['[COUT] CLEANED = yes'], durationMs: 1_500 } });
    await until(handle, 'running', () => h.runner.attempts(input.runId).length === 1);
    await handle.cancel();
    // The end job is running while the run is being cancelled; a second cancel does not stop it.
    await until(handle, 'running its end job', () => h.runner.attempts(input.runId, 'end.e.cleanup').length === 1);
    await handle.cancel();
    // The run reports its cancellation in its result: the workflow itself completes, with end jobs done.
    const run = await handle.result();
    expect(run.state).toBe('cancelled');
    expect(jobStates(run)).toEqual({ 's.a.long': 'cancelled', 'after.a.never': 'skipped', 'end.e.cleanup': 'succeeded' });
    expect(job(run, 'end.e.cleanup').outputs).toEqual({ CLEANED: 'yes' });
    expect(h.runner.attempts(input.runId).map((a) => [a.jobPath, a.end])).toEqual([
      ['s.a.long', 'cancelled'],
      ['end.e.cleanup', 'exited'],
    ]);
  });
});

describe('a worker going away', () => {
  it('detaches the running attempt; the next worker takes it over as the same attempt, not a retry', async () => {
    const input = h.input(`
uri: test/wf/worker-restart
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: long, ${IMAGE} } ] } ] }
`);
    const handle = await h.start(input, { 's.a.long': { lines: ['[COUT] DONE = yes'], durationMs: 1_500 } });
    await until(handle, 'running', () => h.runner.attempts(input.runId).length === 1);
    await h.restartWorker();
    const run = await handle.result();
    expect(run.state).toBe('succeeded');
    expect(job(run, 's.a.long')).toMatchObject({ outputs: { DONE: 'yes' }, attempts: [{ number: 1, state: 'succeeded' }] });
    expect(h.runner.attempts(input.runId).map((a) => [a.attempt, a.end])).toEqual([
      [1, 'detached'],
      [1, 'exited'],
    ]);
  });
});

describe('re-run', () => {
  it('does not run the reused jobs again, marks them, feeds their outputs to later jobs, and runs end jobs again', async () => {
    const flow = `
uri: test/wf/rerun
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: version, ${IMAGE}, outputs: [BUILT_IN] } ] } ] }
  - name: test
    actions:
      - { name: a, jobs: [ { name: flaky, ${IMAGE}, subscriptions: [ { "build.a.version[BUILT_IN]": BUILT_IN } ] } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: report, ${IMAGE} } ] } ] }
`;
    const first = h.input(flow);
    const original = await h.run(first, { 'build.a.version': { lines: [`[COUT] BUILT_IN = ${first.runId}`] }, 'test.a.flaky': { exitCode: 1 } });
    expect(original.state).toBe('failed');

    // What the run preparation passes for a re-run: the succeeded jobs' outputs (end jobs included, to show they run anyway).
    const reuse = { 'build.a.version': job(original, 'build.a.version').outputs, 'end.e.report': {} };
    const second = h.input(flow, { number: 2, rerunOf: first.runId, reuse, triggeredBy: 'alice' });
    const run = await h.run(second, { 'build.a.version': { exitCode: 99 } });
    expect(run).toMatchObject({ state: 'succeeded', rerunOf: first.runId, triggeredBy: 'alice' });
    expect(job(run, 'build.a.version')).toMatchObject({ state: 'succeeded', reusedFrom: first.runId, outputs: { BUILT_IN: first.runId }, attempts: [] });
    expect(job(run, 'test.a.flaky').attempts).toHaveLength(1);
    expect(job(run, 'end.e.report')).toMatchObject({ state: 'succeeded', attempts: [{ state: 'succeeded' }] });
    expect(job(run, 'end.e.report').reusedFrom).toBeUndefined();
    const seen = h.runner.attempts(second.runId);
    expect(seen.map((a) => a.jobPath)).toEqual(['test.a.flaky', 'end.e.report']);
    expect(seen[0]!.env.BUILT_IN).toBe(first.runId);
  });
});
