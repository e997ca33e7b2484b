/**
 * From records to dated events, the raw material of every metric: each
 * counted change (a deploy or marked deployment that ended), each lead-time
 * sample (a commit at its first successful deployment to the pair), each
 * failure with its recovery. docs/dora.md states every rule. Pure.
 */
import type { DeploymentRecord, IncidentRecord } from '../contracts/deployments.ts';
import type { ScopedEnvironment } from './scope.ts';

const HOUR_MS = 3_600_000;

/** A counted deployment that ended, at its `finishedAt`. */
export interface ChangeEvent {
  readonly at: number;
  readonly succeeded: boolean;
  /** Failed, rolled back, or has a linked incident. */
  readonly failed: boolean;
}

/** One shipped commit, at the deployment that first shipped it to the pair. */
export interface LeadEvent {
  readonly at: number;
  readonly hours: number;
}

/** A failure, at its start; `hours` null while not recovered (by `until`). */
export interface RecoveryEvent {
  readonly at: number;
  readonly hours: number | null;
}

export interface DoraEvents {
  readonly changes: readonly ChangeEvent[];
  readonly leads: readonly LeadEvent[];
  readonly recoveries: readonly RecoveryEvent[];
}

export interface EventFilter {
  readonly environments: readonly ScopedEnvironment[];
  readonly application?: string;
  readonly flowUri?: string;
  /** Recoveries ending after this are not measured (yet). */
  readonly until: number;
}

const pairOf = (d: { namespace: string; environment: string; application: string }): string => `${d.namespace}\u0000${d.environment}\u0000${d.application}`;
const ms = (iso: string): number => Date.parse(iso);

/** Every event of the records within the filter (any time; the caller buckets by window and week). */
export function collectEvents(deployments: readonly DeploymentRecord[], incidents: readonly IncidentRecord[], filter: EventFilter): DoraEvents {
  const inScope = (namespace: string, environment: string): boolean => filter.environments.some((e) => e.namespace === namespace && e.name === environment);
  // Every deployment of the selected pairs: rollbacks too, they end recoveries.
  const pool = deployments.filter((d) => inScope(d.namespace, d.environment) && (filter.application === undefined || d.application === filter.application));
  const counted = pool.filter((d) => d.kind !== 'rollback' && (filter.flowUri === undefined || d.flowUri === filter.flowUri));
  const countedById = new Map(counted.map((d) => [d.id, d]));
  const linked = new Set(incidents.flatMap((i) => (i.deploymentId === undefined ? [] : [i.deploymentId])));
  const ended = counted.filter((d) => d.result !== 'running' && d.finishedAt !== undefined).sort((a, b) => ms(a.finishedAt!) - ms(b.finishedAt!) || a.id - b.id);

  const changes: ChangeEvent[] = ended.map((d) => ({
    at: ms(d.finishedAt!),
    succeeded: d.result === 'succeeded',
    failed: d.result === 'failed' || d.result === 'rolled back' || linked.has(d.id),
  }));

  const leads: LeadEvent[] = [];
  const shipped = new Set<string>();
  for (const d of ended) {
    if (d.result !== 'succeeded') continue; // what failed or was rolled back did not deliver its commits
    const at = ms(d.finishedAt!);
    for (const c of d.commits) {
      const key = `${pairOf(d)}\u0000${c.sha}`;
      if (shipped.has(key)) continue;
      shipped.add(key);
      const committed = ms(c.committedAt);
      if (Number.isFinite(committed)) leads.push({ at, hours: Math.max(0, at - committed) / HOUR_MS });
    }
  }

  // What restored the pair: a successful deployment, or a rollback undone later (it had succeeded: a failed rollback stays failed).
  const restored = (d: DeploymentRecord): boolean => d.result === 'succeeded' || (d.kind === 'rollback' && d.result === 'rolled back');
  const successes = pool.filter((d) => restored(d) && d.finishedAt !== undefined).map((d) => ({ pair: pairOf(d), at: ms(d.finishedAt!) }));
  const nextSuccess = (pair: string, after: number): number | undefined => {
    let best: number | undefined;
    for (const s of successes) if (s.pair === pair && s.at >= after && (best === undefined || s.at < best)) best = s.at;
    return best;
  };
  const measured = (start: number, end: number | undefined): RecoveryEvent => ({ at: start, hours: end === undefined || end > filter.until ? null : (end - start) / HOUR_MS });

  const recoveries: RecoveryEvent[] = ended
    .filter((d) => d.result === 'failed' || d.result === 'rolled back')
    .map((d) => measured(ms(d.finishedAt!), nextSuccess(pairOf(d), ms(d.finishedAt!))));
  recoveries.push(...incidentRecoveries(incidents, filter, inScope, countedById, nextSuccess).map(([s, e]) => measured(s, e)));
  return { changes, leads, recoveries };
}

/**
 * Incidents as failures: those of the selected environments (linked to a
 * counted deployment when a flow is asked for), except one linked to a
 * deployment that failed (that failure is already measured). Each ends at its
 * resolution or the pair's next successful deployment, whichever is first;
 * overlapping ones in one environment merge into one failure (an alert storm
 * is one outage). Returns [start, end | undefined] per failure.
 */
function incidentRecoveries(
  incidents: readonly IncidentRecord[],
  filter: EventFilter,
  inScope: (namespace: string, environment: string) => boolean,
  countedById: ReadonlyMap<number, DeploymentRecord>,
  nextSuccess: (pair: string, after: number) => number | undefined,
): [number, number | undefined][] {
  const spans = new Map<string, { start: number; end: number }[]>();
  for (const i of incidents) {
    if (!inScope(i.namespace, i.environment)) continue;
    const cause = i.deploymentId === undefined ? undefined : countedById.get(i.deploymentId);
    if (cause && cause.result !== 'succeeded') continue;
    if (filter.flowUri !== undefined && !cause) continue;
    const application = i.application ?? cause?.application;
    if (filter.application !== undefined && application !== filter.application) continue;
    const start = ms(i.openedAt);
    const resolved = i.resolvedAt === undefined ? undefined : ms(i.resolvedAt);
    const redeployed = application === undefined ? undefined : nextSuccess(pairOf({ namespace: i.namespace, environment: i.environment, application }), start);
    const ends = [resolved, redeployed].filter((t): t is number => t !== undefined);
    const env = `${i.namespace}\u0000${i.environment}`;
    spans.set(env, [...(spans.get(env) ?? []), { start, end: ends.length > 0 ? Math.min(...ends) : Number.POSITIVE_INFINITY }]);
  }
  const merged: [number, number | undefined][] = [];
  for (const list of spans.values()) {
    list.sort((a, b) => a.start - b.start);
    let current: { start: number; end: number } | undefined;
    for (const s of list) {
      if (current && s.start < current.end) current.end = Math.max(current.end, s.end);
      else {
        if (current) merged.push([current.start, Number.isFinite(current.end) ? current.end : undefined]);
        current = { ...s };
      }
    }
    if (current) merged.push([current.start, Number.isFinite(current.end) ? current.end : undefined]);
  }
  return merged;
}
