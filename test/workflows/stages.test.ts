/**
 * Stages, actions and jobs: sequence and parallel, data between jobs, fail
 * fast, allowFailure and `if:` — as the final status tree shows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { job, jobStates, msBetween, startWorkflowHarness, type WorkflowHarness } from './support.ts';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness('stages');
});
afterAll(async () => {
  await h?.stop();
});

const IMAGE = 'endpoint: coflow/shell:1.0.0';

describe('sequence and parallel', () => {
  it('runs stages in order, parallel actions together, sequence actions one after another, and hands outputs on', async () => {
    const input = h.input(`
uri: test/wf/stages
stages:
  - { type: start, name: start }
  - name: build
    sequencing: parallel
    actions:
      - { name: compile, jobs: [ { name: version, ${IMAGE}, outputs: [VERSION] } ] }
      - { name: lint, jobs: [ { name: vet, ${IMAGE} } ] }
  - name: ship
    actions:
      - name: package
        jobs:
          - { name: tarball, ${IMAGE}, subscriptions: [ { "build.compile.version[VERSION]": APP_VERSION } ] }
      - { name: publish, jobs: [ { name: push, ${IMAGE} } ] }
  - { type: end, name: end }
`);
    const run = await h.run(input, {
      'build.compile.version': { lines: ['compiling', '[COUT] VERSION = 1.2.3'], durationMs: 800 },
      'build.lint.vet': { durationMs: 800 },
      'ship.package.tarball': { lines: ['[COUT] PACKAGED = shop-1.2.3.tgz'], durationMs: 300 },
      'ship.publish.push': {},
    });

    expect(run.state).toBe('succeeded');
    expect(run.error).toBeUndefined();
    expect(run.stages.map((s) => [s.name, s.state])).toEqual([
      ['start', 'succeeded'],
      ['build', 'succeeded'],
      ['ship', 'succeeded'],
      ['end', 'succeeded'],
    ]);
    expect(job(run, 'build.compile.version')).toMatchObject({ state: 'succeeded', outputs: { VERSION: '1.2.3' }, attempts: [{ number: 1, state: 'succeeded', exitCode: 0 }] });
    expect(job(run, 'ship.package.tarball').outputs).toEqual({ PACKAGED: 'shop-1.2.3.tgz' });

    const [version, vet, tarball, push] = ['build.compile.version', 'build.lint.vet', 'ship.package.tarball', 'ship.publish.push'].map((p) => {
      const seen = h.runner.attempts(input.runId, p);
      expect(seen, p).toHaveLength(1);
      return seen[0]!;
    });
    // Parallel: each started before the other ended. Sequence: one after the other, and stage after stage.
    expect(version!.startedAt).toBeLessThan(vet!.endedAt!);
    expect(vet!.startedAt).toBeLessThan(version!.endedAt!);
    expect(push!.startedAt).toBeGreaterThanOrEqual(tarball!.endedAt!);
    expect(tarball!.startedAt).toBeGreaterThanOrEqual(Math.max(version!.endedAt!, vet!.endedAt!));
    expect(msBetween(run.stages[1]!.endedAt, run.stages[2]!.startedAt)).toBeGreaterThanOrEqual(0);
    // The subscription reached the container's environment.
    expect(tarball!.env.APP_VERSION).toBe('1.2.3');
    const log = await h.store.readLogs({ runId: input.runId, jobPath: 'build.compile.version' });
    expect(log.lines.map((l) => [l.attempt, l.seq, l.text])).toEqual([
      [1, 1, 'compiling'],
      [1, 2, '[COUT] VERSION = 1.2.3'],
    ]);
  });

  it('fails fast: a failed action cancels its running sibling, whose container sees the abort; end jobs still run', async () => {
    const input = h.input(`
uri: test/wf/fail-fast
stages:
  - name: p
    sequencing: parallel
    actions:
      - { name: bad, jobs: [ { name: fails, ${IMAGE} } ] }
      - { name: slow, jobs: [ { name: sleeps, ${IMAGE} }, { name: after, ${IMAGE} } ] }
  - { name: never, actions: [ { name: n, jobs: [ { name: n, ${IMAGE} } ] } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: final, ${IMAGE} } ] } ] }
`);
    const run = await h.run(input, {
      'p.bad.fails': { lines: ['boom'], durationMs: 500, exitCode: 1 },
      'p.slow.sleeps': { durationMs: 60_000 },
    });

    expect(run.state).toBe('failed');
    expect(run.error).toBe('job p.bad.fails failed: exited with code 1');
    expect(jobStates(run)).toEqual({ 'p.bad.fails': 'failed', 'p.slow.sleeps': 'cancelled', 'p.slow.after': 'skipped', 'never.n.n': 'skipped', 'end.e.final': 'succeeded' });
    expect(run.stages.map((s) => s.state)).toEqual(['failed', 'skipped', 'succeeded']);
    expect(run.stages[0]!.actions.map((a) => a.state)).toEqual(['failed', 'cancelled']);
    expect(job(run, 'p.slow.sleeps').attempts).toMatchObject([{ number: 1, state: 'cancelled', reason: 'cancelled' }]);

    const [fails] = h.runner.attempts(input.runId, 'p.bad.fails');
    const [sleeps] = h.runner.attempts(input.runId, 'p.slow.sleeps');
    expect(sleeps!.end).toBe('cancelled');
    // Cancellation reaches the attempt through its next heartbeat (every second), not after its 60 s.
    expect(sleeps!.endedAt! - fails!.endedAt!).toBeLessThan(5_000);
    expect(h.runner.attempts(input.runId, 'p.slow.after')).toEqual([]);
    expect(h.runner.attempts(input.runId, 'never.n.n')).toEqual([]);
  });
});

describe('allowFailure', () => {
  it('keeps the action and the run going past a failed job, and marks the failure as allowed', async () => {
    const input = h.input(`
uri: test/wf/allow-failure
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: lint, ${IMAGE}, allowFailure: true }
          - { name: build, ${IMAGE} }
`);
    const run = await h.run(input, { 's.a.lint': { lines: ['3 warnings'], exitCode: 3 } });
    expect(run.state).toBe('succeeded');
    expect(run.error).toBeUndefined();
    expect(job(run, 's.a.lint')).toMatchObject({ state: 'failed', allowedFailure: true, error: 'exited with code 3', attempts: [{ state: 'failed', exitCode: 3, reason: 'exited with code 3' }] });
    expect(job(run, 's.a.build').state).toBe('succeeded');
    expect(run.stages[0]!.actions[0]!.state).toBe('succeeded');
  });
});

describe('if:', () => {
  it('skips a stage, an action and a job whose condition is false, and runs nothing of them', async () => {
    const input = h.input(`
uri: test/wf/if-skips
stages:
  - { name: probe, actions: [ { name: a, jobs: [ { name: check, ${IMAGE}, outputs: [TARGET] } ] } ] }
  - name: staging
    if: "jobs.check.outputs.TARGET == 'staging'"
    actions: [ { name: a, jobs: [ { name: deploy, ${IMAGE} } ] } ]
  - name: prod
    actions:
      - { name: canary, if: "jobs.check.outputs.TARGET == 'canary'", jobs: [ { name: deploy, ${IMAGE} } ] }
      - { name: full, if: "jobs.check.outputs.TARGET == 'prod'", jobs: [ { name: deploy, ${IMAGE} } ] }
      - name: notify
        jobs:
          - { name: again, ${IMAGE}, if: "run.number > 1" }
          - { name: mail, ${IMAGE}, if: "jobs.check.result == 'succeeded'" }
`);
    const run = await h.run(input, { 'probe.a.check': { lines: ['[COUT] TARGET = prod'] } });
    expect(run.state).toBe('succeeded');
    expect(jobStates(run)).toEqual({
      'probe.a.check': 'succeeded',
      'staging.a.deploy': 'skipped',
      'prod.canary.deploy': 'skipped',
      'prod.full.deploy': 'succeeded',
      'prod.notify.again': 'skipped',
      'prod.notify.mail': 'succeeded',
    });
    expect(run.stages.map((s) => s.state)).toEqual(['succeeded', 'skipped', 'succeeded']);
    expect(run.stages[2]!.actions.map((a) => a.state)).toEqual(['skipped', 'succeeded', 'succeeded']);
    expect(h.runner.attempts(input.runId).map((a) => a.jobPath)).toEqual(['probe.a.check', 'prod.full.deploy', 'prod.notify.mail']);
  });

  it('fails a job whose condition cannot be evaluated, with the reason, without running it', async () => {
    const input = h.input(`
uri: test/wf/if-job-error
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: meta, ${IMAGE}, outputs: [META] }
          - { name: use, ${IMAGE}, if: "fromJSON(jobs.meta.outputs.META).deploy" }
          - { name: later, ${IMAGE} }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: report, ${IMAGE} } ] } ] }
`);
    const run = await h.run(input, { 's.a.meta': { lines: ['[COUT] META = not json'] } });
    expect(run.state).toBe('failed');
    expect(job(run, 's.a.use')).toMatchObject({ state: 'failed', error: 'if: fromJSON(): not JSON: not json', attempts: [] });
    expect(run.error).toBe('job s.a.use failed: if: fromJSON(): not JSON: not json');
    expect(jobStates(run)).toMatchObject({ 's.a.later': 'skipped', 'end.e.report': 'succeeded' });
    expect(h.runner.attempts(input.runId).map((a) => a.jobPath)).toEqual(['s.a.meta', 'end.e.report']);
  });

  it('keeps going past a job whose condition cannot be evaluated when it may fail', async () => {
    const input = h.input(`
uri: test/wf/if-job-error-allowed
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: meta, ${IMAGE}, outputs: [META] }
          - { name: use, ${IMAGE}, if: "fromJSON(jobs.meta.outputs.META).deploy", allowFailure: true }
          - { name: later, ${IMAGE} }
`);
    const run = await h.run(input, { 's.a.meta': { lines: ['[COUT] META = not json'] } });
    expect(run.state).toBe('succeeded');
    expect(run.error).toBeUndefined();
    expect(job(run, 's.a.use')).toMatchObject({ state: 'failed', allowedFailure: true, error: 'if: fromJSON(): not JSON: not json', attempts: [] });
    expect(jobStates(run)).toMatchObject({ 's.a.later': 'succeeded' });
  });

  it('fails a stage whose condition cannot be evaluated and skips what follows', async () => {
    const input = h.input(`
uri: test/wf/if-stage-error
stages:
  - { name: probe, actions: [ { name: a, jobs: [ { name: meta, ${IMAGE}, outputs: [META] } ] } ] }
  - name: deploy
    if: "fromJSON(jobs.meta.outputs.META).deploy"
    actions: [ { name: a, jobs: [ { name: d, ${IMAGE} } ] } ]
  - { name: after, actions: [ { name: a, jobs: [ { name: x, ${IMAGE} } ] } ] }
`);
    const run = await h.run(input, { 'probe.a.meta': { lines: ['[COUT] META = {broken'] } });
    expect(run.state).toBe('failed');
    expect(run.stages.map((s) => s.state)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(run.stages[1]!.error).toBe('if: fromJSON(): not JSON: {broken');
    expect(run.error).toBe('stage deploy failed: if: fromJSON(): not JSON: {broken');
    expect(jobStates(run)).toEqual({ 'probe.a.meta': 'succeeded', 'deploy.a.d': 'skipped', 'after.a.x': 'skipped' });
    expect(h.runner.attempts(input.runId).map((a) => a.jobPath)).toEqual(['probe.a.meta']);
  });
});
