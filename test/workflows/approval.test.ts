/**
 * Approval gates as the workflow enforces them, with decisions signalled
 * straight to the run (no API in front): approvers, required count, the
 * self-approval ban, rejections, and timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunInput } from '../../contracts/run-input.ts';
import { decideSignal, type ApprovalDecision } from '../../contracts/signals.ts';
import { job, msBetween, startWorkflowHarness, statusOf, until, type WorkflowHarness } from './support.ts';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness('approval');
});
afterAll(async () => {
  await h?.stop();
});

const USERS = {
  alice: ['operator'],
  bob: ['operator', 'release'],
  carol: ['operator', 'release'],
  dave: ['operator'],
} as const;

function decision(user: keyof typeof USERS, approve: boolean, comment?: string): ApprovalDecision {
  return { actor: { user, roles: USERS[user] }, stage: 'release-approval', approve, ...(comment ? { comment } : {}), at: new Date().toISOString() };
}

function gated(name: string, approval: string, extra: Partial<RunInput> = {}): RunInput {
  return h.input(
    `
uri: test/wf/${name}
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: coflow/shell:1.0.0 } ] } ] }
  - type: pause
    name: release-approval
    approval: ${approval}
  - { name: deploy, actions: [ { name: a, jobs: [ { name: d, endpoint: coflow/shell:1.0.0 } ] } ] }
`,
    extra,
  );
}

describe('approval gates', () => {
  it('records only the decisions the policy admits and passes at the required count', async () => {
    const input = gated('approve', '{ approvers: [alice, "role:release"], required: 2, forbidSelfApproval: true }', { triggeredBy: 'carol' });
    const handle = await h.start(input);
    const waiting = await until(handle, 'waiting', (s) => s.state === 'waiting');
    expect(waiting.stages[1]!.approval).toMatchObject({ required: 2, approvers: ['alice', 'role:release'], decisions: [] });
    expect(job(waiting, 'deploy.a.d').state).toBe('pending');

    // Refused by the workflow: not an approver (even a rejection), the run's starter approving, a second decision.
    await handle.signal(decideSignal, decision('dave', true));
    await handle.signal(decideSignal, decision('dave', false, 'no'));
    await handle.signal(decideSignal, decision('carol', true));
    await handle.signal(decideSignal, decision('alice', true, 'tests look good'));
    await handle.signal(decideSignal, decision('alice', true));
    await handle.signal(decideSignal, { ...decision('bob', true), stage: 'deploy' });
    // Signals are handled in order: once alice's shows, the refusals before it were handled too.
    const one = await until(handle, 'holding one approval', (s) => s.stages[1]!.approval!.decisions.length === 1);
    expect(one.state).toBe('waiting');
    expect(one.stages[1]!.approval!.decisions).toMatchObject([{ user: 'alice', approve: true, comment: 'tests look good' }]);

    await handle.signal(decideSignal, decision('bob', true));
    const run = await handle.result();
    expect(run.state).toBe('succeeded');
    expect(run.stages[1]).toMatchObject({ state: 'succeeded', approval: { outcome: 'approved' } });
    expect(run.stages[1]!.approval!.decisions.map((d) => [d.user, d.approve])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
    expect(job(run, 'deploy.a.d').state).toBe('succeeded');
    // Nothing ran past the gate before the second approval.
    const [deploy] = h.runner.attempts(input.runId, 'deploy.a.d');
    expect(deploy!.startedAt).toBeGreaterThanOrEqual(Date.parse(run.stages[1]!.approval!.decisions[1]!.at));
  });

  it('fails the run on a rejection, naming who rejected and why', async () => {
    const input = gated('reject', '{ approvers: [alice] }');
    const handle = await h.start(input);
    await until(handle, 'waiting', (s) => s.state === 'waiting');
    await handle.signal(decideSignal, decision('alice', false, 'not on a Friday'));
    const run = await handle.result();
    expect(run.state).toBe('failed');
    expect(run.stages[1]).toMatchObject({ state: 'failed', error: 'rejected by alice: not on a Friday', approval: { outcome: 'rejected' } });
    expect(run.error).toBe('stage release-approval failed: rejected by alice: not on a Friday');
    expect(job(run, 'deploy.a.d').state).toBe('skipped');
    expect(h.runner.attempts(input.runId, 'deploy.a.d')).toEqual([]);
  });

  it('follows onTimeout when nobody decides in time: approve or reject', async () => {
    const approving = gated('timeout-approve', '{ timeout: 1s, onTimeout: approve }');
    const rejecting = gated('timeout-reject', '{ timeout: 1s }');
    const handles = await Promise.all([h.start(approving), h.start(rejecting)]);
    const waiting = await until(handles[0], 'waiting', (s) => s.state === 'waiting');
    expect(msBetween(waiting.stages[1]!.startedAt, waiting.stages[1]!.approval!.deadline)).toBe(1_000);
    const [a, r] = await Promise.all(handles.map((x) => x.result()));

    expect(a!.state).toBe('succeeded');
    expect(a!.stages[1]).toMatchObject({ state: 'succeeded', approval: { outcome: 'timed out (approved)', decisions: [] } });
    expect(job(a!, 'deploy.a.d').state).toBe('succeeded');
    expect(r!.state).toBe('failed');
    expect(r!.stages[1]).toMatchObject({ state: 'failed', error: 'approval timed out after 1s', approval: { outcome: 'timed out (rejected)' } });
    expect(r!.error).toBe('stage release-approval failed: approval timed out after 1s');
    expect(job(r!, 'deploy.a.d').state).toBe('skipped');
    for (const run of [a!, r!]) expect(msBetween(run.stages[1]!.startedAt, run.stages[1]!.endedAt)).toBeGreaterThanOrEqual(1_000);
  });

  it('ends a waiting gate as cancelled when the run is cancelled', async () => {
    const handle = await h.start(gated('cancel-waiting', '{ approvers: [alice] }'));
    await until(handle, 'waiting', (s) => s.state === 'waiting');
    await handle.cancel();
    const run = await handle.result();
    expect(run.state).toBe('cancelled');
    expect(run.stages.map((s) => s.state)).toEqual(['succeeded', 'cancelled', 'skipped']);
    expect((await statusOf(handle)).stages[1]!.approval!.decisions).toEqual([]);
  });
});
