import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../contracts/deployments.ts';
import { isEnvironmentApprover as mayDecide } from '../contracts/approval-policy.ts';
import { describeHolder } from './deploy-queue.ts';
import { refuseRestore } from '../contracts/deployments.ts';

const record = (over: Partial<DeploymentRecord>): DeploymentRecord => ({
  id: 7, namespace: 'acme', environment: 'prod', application: 'shop', kind: 'deploy', images: [], startedAt: '2026-01-01T00:00:00Z', result: 'succeeded', commits: [], manifest: 'kind: ConfigMap', ...over,
});

describe('deployment rules', () => {
  it('names the run and job a queued deployment waits behind', () => {
    expect(describeHolder('acme/shop/ci#3/deploy.app.prod/2')).toBe('run acme/shop/ci#3 (deploy.app.prod, attempt 2)');
    expect(describeHolder('rollback-xyz')).toBe('rollback-xyz');
  });

  it('lets only listed approvers decide on a canary step, anyone (the API checks operators) when none are listed', () => {
    expect(mayDecide([], { user: 'x', roles: [] })).toBe(true);
    expect(mayDecide(['alice', 'role:sre'], { user: 'bob', roles: ['operator'] })).toBe(false);
    expect(mayDecide(['alice', 'role:sre'], { user: 'bob', roles: ['sre'] })).toBe(true);
  });

  it('restores only a stored, once-successful deployment', () => {
    expect(refuseRestore(undefined, 3)).toBe('deployment 3 does not exist');
    expect(refuseRestore(record({ kind: 'marked', manifest: undefined }), 7)).toContain('has no stored manifest');
    expect(refuseRestore(record({ result: 'failed' }), 7)).toBe('deployment 7 is failed, not succeeded: only a deployment that succeeded (and was not undone) can be restored');
    expect(refuseRestore(record({ result: 'rolled back' }), 7)).toContain('deployment 7 is rolled back, not succeeded');
    expect(refuseRestore(record({}), 7)).toBeUndefined();
  });
});
