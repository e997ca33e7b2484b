import { describe, expect, it } from 'vitest';
import type { RunStatus, StageStatus } from '../../../contracts/run-status.ts';
import { decisionBlock, gateSpec, relativeTime } from './approval-rules.ts';
import type { Steerer } from './control-rules.ts';

const stage = (state: StageStatus['state'], decisions: { user: string; approve: boolean }[] = []): StageStatus => ({
  name: 'gate', type: 'pause', state, actions: [],
  approval: { required: 2, approvers: ['bob', 'role:release'], decisions: decisions.map((d) => ({ ...d, at: '2026-01-01T00:00:00Z' })) },
});
const run = (s: StageStatus): RunStatus => ({
  runId: 'a/b/c#1', number: 1, flowUri: 'a/b/c', flowVersion: 1, state: 'waiting', paused: false, startedAt: '2026-01-01T00:00:00Z',
  continuedAsNew: 0, triggeredBy: 'carol', stages: [s],
});
const as = (user: string, ...roles: string[]): Steerer => ({ user, roles, operator: roles.includes('operator') || roles.includes('admin') });
const block = (s: StageStatus, who: Steerer | null, forbidSelfApproval = false) =>
  decisionBlock(run(s), s, who, { ...gateSpec(s, undefined), forbidSelfApproval });

describe('approval decisions the panel can judge', () => {
  it('lets a listed approver, by name or role, decide a waiting gate', () => {
    expect(block(stage('waiting'), as('bob', 'operator'))).toEqual({});
    expect(block(stage('waiting'), as('carol', 'operator', 'release'))).toEqual({});
  });

  it('refuses in the API words: not an approver, already decided, self-approval, viewer, gate not waiting', () => {
    expect(block(stage('waiting'), as('alice', 'operator')).approve).toBe('alice may not decide on stage gate: approvers are bob, role:release');
    expect(block(stage('waiting', [{ user: 'bob', approve: true }]), as('bob', 'operator')).reject).toBe('bob has already decided on stage gate');
    expect(block(stage('waiting'), as('carol', 'operator', 'release'), true)).toEqual({ approve: 'carol started this run and may not approve it (forbidSelfApproval)' });
    expect(block(stage('waiting'), as('vic', 'viewer')).approve).toBe('needs the operator role — you are viewer');
    expect(block(stage('succeeded'), as('bob', 'operator')).approve).toBe('the gate is not waiting for approval (it is succeeded)');
  });

  it('reads deadlines relative to now', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(relativeTime('2026-01-01T12:12:10Z', now)).toBe('in 12 min');
    expect(relativeTime('2026-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(relativeTime('2026-01-01T14:00:00Z', now)).toBe('in 2 h');
    expect(relativeTime('2026-01-01T12:00:00Z', now)).toBe('now');
  });
});
