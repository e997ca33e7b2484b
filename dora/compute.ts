/**
 * The four keys (contracts/dora.ts) from deployment and incident records:
 * pure and deterministic (`now` is an argument). Rules and thresholds:
 * docs/dora.md.
 */
import type { DeploymentRecord, IncidentRecord } from '../contracts/deployments.ts';
import type { DoraQuery, DoraReport, DoraValue, DoraWeek } from '../contracts/dora.ts';
import type { StoredEnvironments } from '../contracts/environments.ts';
import { collectEvents, type DoraEvents } from './events.ts';
import { DAY_MS, WEEK_MS, resolveWindow, selectEnvironments } from './scope.ts';
import { median, nearestRank, round } from './stats.ts';
import { failureRateTier, frequencyTier, leadTimeTier, recoveryTier } from './tiers.ts';

export interface DoraInput {
  readonly query: DoraQuery;
  /** Deployment records of the window and (for a commit's first shipping) before it. */
  readonly deployments: readonly DeploymentRecord[];
  readonly incidents: readonly IncidentRecord[];
  readonly environments: readonly StoredEnvironments[];
  /** Epoch ms: the default `until`. */
  readonly now: number;
}

interface Span {
  readonly from: number;
  readonly to: number;
}

const within = (at: number, span: Span): boolean => at >= span.from && at < span.to;

/** Monday 00:00 UTC of the week holding `t`. */
export function weekStart(t: number): number {
  const day = Math.floor(t / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * DAY_MS;
}

interface Measures {
  readonly successes: number;
  readonly ended: number;
  readonly failures: number;
  readonly leadHours: number[];
  readonly recoveryHours: number[];
}

function measure(events: DoraEvents, span: Span): Measures {
  const changes = events.changes.filter((c) => within(c.at, span));
  return {
    successes: changes.filter((c) => c.succeeded).length,
    ended: changes.length,
    failures: changes.filter((c) => c.failed).length,
    leadHours: events.leads.filter((l) => within(l.at, span)).map((l) => l.hours),
    recoveryHours: events.recoveries.filter((r) => within(r.at, span) && r.hours !== null).map((r) => r.hours!),
  };
}

function value<T extends string>(raw: number | null, samples: number, tier: (v: number) => T, digits = 3): { value: number | null; tier: T | null; samples: number } {
  return { value: round(raw, digits), tier: raw === null ? null : tier(raw), samples };
}

/** Computes the report of a query; throws DoraQueryError for bad dates or an unknown environment. */
export function computeDora(input: DoraInput): DoraReport {
  const { query } = input;
  const window = resolveWindow(query, input.now);
  const scope = selectEnvironments(query, input.environments);
  const events = collectEvents(input.deployments, input.incidents, {
    environments: scope,
    until: window.until,
    ...(query.application === undefined ? {} : { application: query.application }),
    ...(query.flowUri === undefined ? {} : { flowUri: query.flowUri }),
  });
  const all = measure(events, { from: window.since, to: window.until });
  const days = (window.until - window.since) / DAY_MS;
  const perDay = all.ended === 0 ? null : all.successes / days;
  const rate = all.ended === 0 ? null : all.failures / all.ended;
  const lead = median(all.leadHours);

  const weekly: DoraWeek[] = [];
  for (let w = weekStart(window.since); w < window.until; w += WEEK_MS) {
    const m = measure(events, { from: Math.max(w, window.since), to: Math.min(w + WEEK_MS, window.until) });
    weekly.push({
      weekStart: new Date(w).toISOString(),
      deployments: m.successes,
      leadTimeMedianHours: round(median(m.leadHours)),
      changeFailureRate: m.ended === 0 ? null : round(m.failures / m.ended, 4),
      recoveryMedianHours: round(median(m.recoveryHours)),
    });
  }

  const recovery: DoraValue = value(median(all.recoveryHours), all.recoveryHours.length, recoveryTier);
  return {
    since: new Date(window.since).toISOString(),
    until: new Date(window.until).toISOString(),
    environments: [...new Set(scope.map((e) => e.name))].sort(),
    ...(query.flowUri === undefined ? {} : { flowUri: query.flowUri }),
    deploymentFrequency: { ...value(perDay, all.ended, frequencyTier, 4), deployments: all.successes, perWeek: perDay === null ? null : round(perDay * 7) },
    leadTime: { ...value(lead, all.leadHours.length, leadTimeTier), p90Hours: round(nearestRank(all.leadHours, 0.9)) },
    changeFailureRate: { ...value(rate, all.ended, failureRateTier, 4), failures: all.failures },
    recoveryTime: recovery,
    weekly,
  };
}
