/**
 * Attempts and time: retries with their backoff, the job timeout, and the
 * flow timeout (after which `end` stage jobs still run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { job, jobStates, msBetween, startWorkflowHarness, type WorkflowHarness } from './support.ts';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness('attempts');
});
afterAll(async () => {
  await h?.stop();
});

const IMAGE = 'endpoint: coflow/shell:1.0.0';

/** A protobuf Duration (seconds may be a Long) in milliseconds. */
function durationMs(d: { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined): number {
  const seconds = typeof d?.seconds === 'object' && d.seconds !== null ? d.seconds.toNumber() : (d?.seconds ?? 0);
  return seconds * 1000 + Math.round((d?.nanos ?? 0) / 1e6);
}

describe('retries', () => {
  it('retries a failing job with a growing backoff, capped by maxBackoff, until an attempt succeeds', async () => {
    const input = h.input(`
uri: test/wf/retries
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: flaky, ${IMAGE}, retries: { max: 3, backoff: 500ms, maxBackoff: 1s } }
`);
    const run = await h.run(input, {
      's.a.flaky': (attempt) => (attempt < 4 ? { lines: [`try ${attempt}`], exitCode: 1 } : { lines: [`[COUT] WON_AT = ${attempt}`] }),
    });
    expect(run.state).toBe('succeeded');
    const flaky = job(run, 's.a.flaky');
    expect(flaky.outputs).toEqual({ WON_AT: '4' });
    expect(flaky.attempts.map((a) => [a.number, a.state, a.exitCode, a.reason])).toEqual([
      [1, 'failed', 1, 'exited with code 1'],
      [2, 'failed', 1, 'exited with code 1'],
      [3, 'failed', 1, 'exited with code 1'],
      [4, 'succeeded', 0, undefined],
    ]);
    // Backoff before attempts 2, 3, 4: 500 ms, 1 s, then 1 s again (2 s uncapped) — the durable timers the
    // run asked Temporal for, read from its history (exact whatever the machine's load).
    const history = await h.env.client.workflow.getHandle(input.runId).fetchHistory();
    const timers = (history.events ?? []).flatMap((e) => (e.timerStartedEventAttributes ? [durationMs(e.timerStartedEventAttributes.startToFireTimeout)] : []));
    expect(timers, 'the backoff doubled, then stayed at maxBackoff').toEqual([500, 1_000, 1_000]);
    // And the attempts waited them out: each start follows the one before by at least its backoff.
    const gaps = flaky.attempts.slice(1).map((a, i) => msBetween(flaky.attempts[i]!.startedAt, a.startedAt));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(timers[i]!));
    expect(h.runner.attempts(input.runId).map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('fails the job with the last reason once the retries are spent', async () => {
    const input = h.input(`
uri: test/wf/retries-spent
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: broken, ${IMAGE}, retries: { max: 1, backoff: 200ms } } ] } ] }
  - { name: next, actions: [ { name: a, jobs: [ { name: x, ${IMAGE} } ] } ] }
`);
    const run = await h.run(input, { 's.a.broken': (attempt) => ({ exitCode: 10 + attempt }) });
    expect(run.state).toBe('failed');
    expect(job(run, 's.a.broken')).toMatchObject({ state: 'failed', error: 'exited with code 12' });
    expect(job(run, 's.a.broken').attempts.map((a) => a.reason)).toEqual(['exited with code 11', 'exited with code 12']);
    expect(run.error).toBe('job s.a.broken failed: exited with code 12');
    expect(job(run, 'next.a.x').state).toBe('skipped');
  });
});

describe('timeouts', () => {
  it('ends an attempt at the job timeout and retries it as a new attempt', async () => {
    const input = h.input(`
uri: test/wf/job-timeout
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: hangs, ${IMAGE}, timeout: 1s, retries: { max: 1, backoff: 100ms } } ] } ] }
`);
    const run = await h.run(input, { 's.a.hangs': { lines: ['waiting for ever'], durationMs: 60_000 } });
    expect(run.state).toBe('failed');
    const hangs = job(run, 's.a.hangs');
    expect(hangs.attempts.map((a) => [a.state, a.exitCode, a.reason])).toEqual([
      ['failed', null, 'timed out after 1s'],
      ['failed', null, 'timed out after 1s'],
    ]);
    for (const a of hangs.attempts) expect(msBetween(a.startedAt, a.endedAt)).toBeGreaterThanOrEqual(1_000);
    expect(h.runner.attempts(input.runId).map((a) => a.end)).toEqual(['timed out', 'timed out']);
    expect(run.error).toBe('job s.a.hangs failed: timed out after 1s');
  });

  it('cancels the main stages at the flow timeout, then runs the end stage jobs', async () => {
    const input = h.input(`
uri: test/wf/flow-timeout
timeout: 2s
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: long, ${IMAGE} } ] } ] }
  - { name: never, actions: [ { name: a, jobs: [ { name: x, ${IMAGE} } ] } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: cleanup, ${IMAGE} } ] } ] }
`);
    const run = await h.run(input, { 's.a.long': { durationMs: 60_000 }, 'end.e.cleanup': { lines: ['cleaning up'], durationMs: 1_000 } });
    expect(run.state).toBe('failed');
    expect(run.error).toBe('run timed out after 2s');
    expect(jobStates(run)).toEqual({ 's.a.long': 'cancelled', 'never.a.x': 'skipped', 'end.e.cleanup': 'succeeded' });
    expect(job(run, 's.a.long').attempts).toMatchObject([{ state: 'cancelled', reason: 'cancelled' }]);
    const [long] = h.runner.attempts(input.runId, 's.a.long');
    const [cleanup] = h.runner.attempts(input.runId, 'end.e.cleanup');
    expect(long!.end).toBe('cancelled');
    expect(cleanup!.end).toBe('exited');
    expect(cleanup!.startedAt).toBeGreaterThanOrEqual(long!.endedAt!);
    // The long job was stopped at about 2 s, not after its 60 s; the end job's second came after that.
    expect(msBetween(run.startedAt, job(run, 's.a.long').endedAt)).toBeGreaterThanOrEqual(2_000);
    expect(msBetween(run.startedAt, run.endedAt)).toBeGreaterThanOrEqual(3_000);
    expect(msBetween(run.startedAt, run.endedAt)).toBeLessThan(10_000);
  });
});
