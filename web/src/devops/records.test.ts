import { describe, expect, it } from 'vitest';
import type { DeploymentRecord, IncidentRecord } from '../../../contracts/deployments.ts';
import { canRestore, deploymentOf, nextOf, environmentChoices, listOf, namespacesOf, resultClass, sortIncidents, startedIdOf } from './records.ts';

const record = (over: Partial<DeploymentRecord>): DeploymentRecord => ({
  id: 1, namespace: 'acme', environment: 'prod', application: 'shop', kind: 'deploy', images: [], startedAt: '2026-11-01T00:00:00Z',
  result: 'succeeded', commits: [], manifest: 'kind: Deployment', ...over,
});

describe('API answers of the deployments pages', () => {
  it('takes lists wrapped or bare, and nothing from anything else', () => {
    expect(listOf<number>({ deployments: [1, 2] }, 'deployments')).toEqual([1, 2]);
    expect(listOf<number>([3], 'deployments')).toEqual([3]);
    expect(listOf<number>({ other: [1] }, 'deployments')).toEqual([]);
    expect(listOf<number>(undefined, 'deployments')).toEqual([]);
  });

  it('pages with the API\'s next, else after the last id of a full page', () => {
    const page = [{ id: 9 }, { id: 7 }];
    expect(nextOf({ deployments: page, next: 7 }, page, 2)).toBe(7);
    expect(nextOf({ deployments: page, next: null }, page, 2)).toBeUndefined();
    expect(nextOf(page, page, 2)).toBe(7);
    expect(nextOf(page, page, 3)).toBeUndefined();
  });

  it('finds the record and the started rollback id', () => {
    expect(deploymentOf(record({ id: 4 }))?.id).toBe(4);
    expect(deploymentOf({ deployment: record({ id: 5 }) })?.id).toBe(5);
    expect(deploymentOf({ error: {} })).toBeUndefined();
    expect(startedIdOf({ id: 9 })).toBe(9);
    expect(startedIdOf({ deploymentId: 8, workflowId: 'x' })).toBe(8);
    expect(startedIdOf({ deployment: { id: 7 } })).toBe(7);
    expect(startedIdOf({})).toBeUndefined();
  });

  it('lists environments of stored files and of summaries', () => {
    const choices = environmentChoices({ environments: [
      { namespace: 'acme', version: 2, spec: { namespace: 'acme', environments: [{ name: 'dev', tier: 'development' }, { name: 'prod', tier: 'production' }] } },
      { namespace: 'beta', environments: [{ name: 'live', tier: 'production' }] },
    ] });
    expect(choices.map((c) => `${c.namespace}/${c.name}:${c.tier}`)).toEqual(['acme/dev:development', 'acme/prod:production', 'beta/live:production']);
    expect(namespacesOf(choices)).toEqual(['acme', 'beta']);
  });
});

describe('how records read', () => {
  it('gives rolled back a class of its own', () => {
    expect(resultClass('rolled back')).toBe('result-rolled-back');
    expect(resultClass('failed')).toBe('result-failed');
  });

  it('offers a rollback only to a succeeded deployment with a manifest', () => {
    expect(canRestore(record({})).ok).toBe(true);
    expect(canRestore(record({ result: 'rolled back' })).ok).toBe(false);
    expect(canRestore(record({ result: 'failed' }))).toEqual({ ok: false, why: 'deployment 1 is failed, not succeeded: only a deployment that succeeded (and was not undone) can be restored' });
    expect(canRestore(record({ result: 'running' })).ok).toBe(false);
    const { manifest: _, ...marked } = record({ kind: 'marked' });
    expect(canRestore(marked).ok).toBe(false);
  });

  it('puts open incidents first, then newest first', () => {
    const i = (id: number, openedAt: string, resolvedAt?: string): IncidentRecord => ({ id, namespace: 'acme', environment: 'prod', title: 't', source: 'api', openedAt, ...(resolvedAt ? { resolvedAt } : {}) });
    const sorted = sortIncidents([i(1, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'), i(2, '2026-11-03T00:00:00Z'), i(3, '2026-11-05T00:00:00Z', '2026-11-06T00:00:00Z'), i(4, '2026-10-01T00:00:00Z')]);
    expect(sorted.map((x) => x.id)).toEqual([2, 4, 3, 1]);
  });
});
