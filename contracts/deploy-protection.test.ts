import { describe, expect, it } from 'vitest';
import type { EnvironmentSpec } from './environments.ts';
import { refuseDeployment, type DeployRunFacts } from './deploy-protection.ts';
import type { ApprovalStatus } from './run-status.ts';

const PROD: EnvironmentSpec = {
  name: 'prod', tier: 'production', kubernetesNamespace: 'shop-prod', cluster: { kind: 'runner' }, values: {},
  protection: { approvers: ['alice', 'role:admin'], branches: ['main', 'release/*'] },
};
const at = '2026-12-02T04:00:00Z';
const gate = (approvers: string[], outcome: string, approve = true): DeployRunFacts['stagesBefore'][number] => ({
  name: 'approve', type: 'pause',
  approval: { required: 1, approvers, decisions: [{ user: 'alice', approve, at }], outcome } satisfies ApprovalStatus,
});

describe('the runtime protection check', () => {
  it('lets a run of an allowed branch deploy after an approval by the environment\'s approvers', () => {
    expect(refuseDeployment(PROD, { branch: 'release/2.1', stagesBefore: [gate(['alice'], 'approved')] })).toBeUndefined();
    // A run started by hand or by a schedule names no branch: only the approval applies.
    expect(refuseDeployment(PROD, { stagesBefore: [gate(['role:admin'], 'approved')] })).toBeUndefined();
    expect(refuseDeployment({ ...PROD, protection: { approvers: [], branches: [] } }, { branch: 'x', stagesBefore: [] })).toBeUndefined();
  });

  it('refuses another branch, a missing or foreign gate, and a gate that only timed out approved', () => {
    expect(refuseDeployment(PROD, { branch: 'feature/x', stagesBefore: [gate(['alice'], 'approved')] })).toBe(
      'environment prod accepts deployments from branches main, release/* only; this run is for branch "feature/x"',
    );
    const needs = 'environment prod needs an approval by alice, role:admin before a deployment: no approval gate limited to them was approved earlier in this run';
    expect(refuseDeployment(PROD, { branch: 'main', stagesBefore: [] })).toBe(needs);
    expect(refuseDeployment(PROD, { branch: 'main', stagesBefore: [gate([], 'approved')] })).toBe(needs);
    expect(refuseDeployment(PROD, { branch: 'main', stagesBefore: [gate(['alice', 'bob'], 'approved')] })).toBe(needs);
    expect(refuseDeployment(PROD, { branch: 'main', stagesBefore: [gate(['alice'], 'timed out (approved)', false)] })).toBe(needs);
  });
});
