import { describe, expect, it } from 'vitest';
import type { DeploymentRecord, IncidentRecord } from '../contracts/deployments.ts';
import type { DoraQuery } from '../contracts/dora.ts';
import type { EnvironmentSpec, StoredEnvironments } from '../contracts/environments.ts';
import { computeDora, DoraQueryError } from './index.ts';

// Monday 2026-01-05 00:00 UTC; `at(h)` is h hours later.
const T0 = Date.parse('2026-01-05T00:00:00Z');
const at = (hours: number): string => new Date(T0 + hours * 3_600_000).toISOString();
const WEEK = 168;

const env = (name: string, tier: EnvironmentSpec['tier']): EnvironmentSpec => ({
  name, tier, kubernetesNamespace: name, cluster: { kind: 'runner' }, protection: { approvers: [], branches: [] }, values: {},
});
const ENVIRONMENTS: StoredEnvironments[] = [
  { namespace: 'acme', version: 1, source: '', createdAt: at(0), spec: { namespace: 'acme', environments: [env('prod', 'production'), env('staging', 'staging')] } },
  { namespace: 'other', version: 1, source: '', createdAt: at(0), spec: { namespace: 'other', environments: [env('live', 'production')] } },
];

let ids = 0;
/** A deployment of acme/prod/shop that finished at `finished` hours (started 6 minutes before). */
function dep(finished: number, over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    id: ++ids, namespace: 'acme', environment: 'prod', application: 'shop', kind: 'deploy', flowUri: 'acme/shop/deploy',
    images: [], startedAt: at(finished - 0.1), finishedAt: at(finished), result: 'succeeded', commits: [], ...over,
  };
}
const commit = (sha: string, hours: number) => ({ sha, committedAt: at(hours) });
function incident(opened: number, resolved: number | undefined, over: Partial<IncidentRecord> = {}): IncidentRecord {
  return { id: ++ids, namespace: 'acme', environment: 'prod', title: 'down', source: 'api', openedAt: at(opened), ...(resolved === undefined ? {} : { resolvedAt: at(resolved) }), ...over };
}

const TWO_WEEKS: DoraQuery = { namespace: 'acme', since: at(0), until: at(2 * WEEK) };
const NOW = T0 + 100 * WEEK * 3_600_000;
function report(deployments: DeploymentRecord[], incidents: IncidentRecord[] = [], query: DoraQuery = TWO_WEEKS) {
  return computeDora({ query, deployments, incidents, environments: ENVIRONMENTS, now: NOW });
}

describe('computeDora', () => {
  it('no deployments: every value null with no tier, the weeks still listed; production environments by default', () => {
    const r = report([]);
    expect(r.environments).toEqual(['prod']);
    expect(r.deploymentFrequency).toEqual({ value: null, tier: null, samples: 0, deployments: 0, perWeek: null });
    expect(r.leadTime).toEqual({ value: null, tier: null, samples: 0, p90Hours: null });
    expect(r.changeFailureRate).toEqual({ value: null, tier: null, samples: 0, failures: 0 });
    expect(r.recoveryTime).toEqual({ value: null, tier: null, samples: 0 });
    expect(r.weekly).toEqual([
      { weekStart: at(0), deployments: 0, leadTimeMedianHours: null, changeFailureRate: null, recoveryMedianHours: null },
      { weekStart: at(WEEK), deployments: 0, leadTimeMedianHours: null, changeFailureRate: null, recoveryMedianHours: null },
    ]);
  });

  it('the default window is the 12 weeks before now', () => {
    const r = computeDora({ query: {}, deployments: [], incidents: [], environments: ENVIRONMENTS, now: T0 });
    expect(r.until).toBe(at(0));
    expect(r.since).toBe(at(-12 * WEEK));
    expect(r.weekly).toHaveLength(12);
    expect(r.environments).toEqual(['live', 'prod']);
  });

  it('a deployment with no commits counts in frequency but gives no lead time', () => {
    const r = report([dep(10), dep(20)]);
    expect(r.deploymentFrequency).toMatchObject({ deployments: 2, value: round(2 / 14, 4), perWeek: 1, tier: 'high' });
    expect(r.leadTime).toMatchObject({ value: null, tier: null, samples: 0 });
    expect(r.changeFailureRate).toMatchObject({ value: 0, tier: 'elite', failures: 0, samples: 2 });
  });

  it('lead time: committer time to finished, median and p90 (nearest rank); a commit shipped twice counts at its first deployment', () => {
    const first = dep(30, { commits: [commit('a', 0), commit('b', 20), commit('c', 28)] }); // 30, 10, 2 h
    const second = dep(50, { commits: [commit('c', 28), commit('d', 46)] }); // c again (not counted), d 4 h
    const r = report([second, first]);
    expect(r.leadTime).toMatchObject({ samples: 4, value: 7, p90Hours: 30, tier: 'elite' });
  });

  it('a commit shipped before the window is not counted again when redeployed in it', () => {
    const before = dep(-5, { commits: [commit('a', -10)] });
    const again = dep(5, { commits: [commit('a', -10), commit('b', 3)] });
    expect(report([before, again]).leadTime).toMatchObject({ samples: 1, value: 2 });
  });

  it('a failed deployment followed by a fix: one failure in two, recovered at the fix', () => {
    const failed = dep(10, { result: 'failed', commits: [commit('bad', 9)] });
    const fix = dep(13.5, { commits: [commit('bad', 9), commit('fix', 13)] });
    const r = report([failed, fix]);
    expect(r.changeFailureRate).toMatchObject({ value: 0.5, failures: 1, samples: 2, tier: 'low' });
    expect(r.recoveryTime).toEqual({ value: 3.5, tier: 'high', samples: 1 });
    expect(r.deploymentFrequency.deployments).toBe(1);
    // The failed deployment delivered nothing: its commit counts at the fix.
    expect(r.leadTime).toMatchObject({ samples: 2, value: 2.5 }); // 4.5 h and 0.5 h
  });

  it('a rollback of a rollback: rollbacks count nowhere but end the recovery they made', () => {
    const good = dep(1);
    const bad = dep(2, { result: 'rolled back' });
    const rollback = dep(3, { kind: 'rollback', result: 'rolled back', rollbackOf: bad.id, restores: good.id, flowUri: undefined });
    const again = dep(4, { kind: 'rollback', rollbackOf: rollback.id, restores: bad.id, flowUri: undefined });
    const r = report([good, bad, rollback, again]);
    expect(r.deploymentFrequency.deployments).toBe(1);
    expect(r.changeFailureRate).toMatchObject({ value: 0.5, failures: 1, samples: 2 });
    expect(r.recoveryTime).toMatchObject({ value: 1, samples: 1 });
  });

  it('incidents: a linked one fails its deployment; overlapping ones merge per environment; open ones are not measured', () => {
    const shipped = dep(5);
    const incidents = [
      incident(10, 12, { deploymentId: shipped.id }),
      incident(11, 15),
      incident(20, 21),
      incident(30, undefined),
      incident(40, 41, { environment: 'staging' }),
    ];
    const r = report([shipped], incidents);
    expect(r.changeFailureRate).toMatchObject({ value: 1, failures: 1, samples: 1 });
    // 10→15 (two merged) and 20→21; 30→ still open.
    expect(r.recoveryTime).toEqual({ value: 3, tier: 'high', samples: 2 });
  });

  it('an incident ends at the next successful deployment of its application when that comes first', () => {
    const r = report([dep(12)], [incident(10, 20, { application: 'shop' })]);
    expect(r.recoveryTime).toMatchObject({ value: 2, samples: 1 });
  });

  it('a failure not recovered by until is not measured', () => {
    const r = report([dep(10, { result: 'failed' }), dep(2 * WEEK + 1)]);
    expect(r.recoveryTime).toMatchObject({ value: null, samples: 0 });
    expect(r.changeFailureRate).toMatchObject({ value: 1, samples: 1 });
  });

  it('window edges: finished at since counts, at until does not; running deployments do not count', () => {
    const r = report([dep(0), dep(2 * WEEK), dep(-0.01), { ...dep(10), result: 'running', finishedAt: undefined }]);
    expect(r.deploymentFrequency).toMatchObject({ deployments: 1, samples: 1 });
  });

  it('weekly buckets start on Monday 00:00 UTC; a window starting midweek makes a partial first week', () => {
    const query = { namespace: 'acme', since: at(50), until: at(WEEK + 30) }; // Wednesday 02:00 → next Tuesday 06:00
    const r = report([dep(40), dep(60), dep(WEEK - 1, { result: 'failed' }), dep(WEEK + 2, { commits: [commit('x', WEEK)] })], [], query);
    expect(r.weekly.map((w) => [w.weekStart, w.deployments, w.changeFailureRate, w.leadTimeMedianHours, w.recoveryMedianHours])).toEqual([
      [at(0), 1, 0.5, null, 3],
      [at(WEEK), 1, 0, 2, null],
    ]);
  });

  it('environments, applications and flows narrow what counts', () => {
    const history = [dep(1), dep(2, { environment: 'staging' }), dep(3, { application: 'cart', flowUri: 'acme/cart/deploy' }), dep(4, { namespace: 'other', environment: 'live' })];
    expect(report(history).deploymentFrequency.deployments).toBe(2);
    expect(report(history, [], { ...TWO_WEEKS, environments: ['staging', 'prod'] })).toMatchObject({ environments: ['prod', 'staging'], deploymentFrequency: { deployments: 3 } });
    expect(report(history, [], { ...TWO_WEEKS, application: 'cart' }).deploymentFrequency.deployments).toBe(1);
    expect(report(history, [], { ...TWO_WEEKS, flowUri: 'acme/shop/deploy' })).toMatchObject({ flowUri: 'acme/shop/deploy', deploymentFrequency: { deployments: 1 } });
    expect(report(history, [], { since: at(0), until: at(WEEK) }).deploymentFrequency.deployments).toBe(3);
  });

  it('refuses bad dates, an empty or too long window, and unknown environments, naming them', () => {
    const fails = (query: DoraQuery) => () => report([], [], query);
    expect(fails({ since: 'last tuesday' })).toThrow(/since: 'last tuesday' is not an ISO 8601/);
    expect(fails({ since: '2026-02-30T00:00:00Z' })).toThrow(DoraQueryError);
    expect(fails({ since: at(10), until: at(10) })).toThrow(/must be before until/);
    expect(fails({ since: '2020-01-01', until: '2026-01-01' })).toThrow(/longer than 731 days/);
    expect(fails({ namespace: 'acme', environments: ['prod', 'qa'] })).toThrow(/unknown environment 'qa' in namespace acme \(known: prod, staging\)/);
  });
});

function round(v: number, digits: number): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}
