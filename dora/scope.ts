/**
 * What a DORA query covers: its window (validated, defaulted) and the
 * environments it selects (named ones must exist; none named = every
 * production-tier environment). Pure.
 */
import type { DoraQuery } from '../contracts/dora.ts';
import type { StoredEnvironments } from '../contracts/environments.ts';
import { DoraQueryError } from './errors.ts';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** The default window: the 12 weeks before `until`. */
export const DEFAULT_WINDOW_MS = 12 * WEEK_MS;
/** The longest window a query may ask for (bounds the weekly series). */
export const MAX_WINDOW_MS = 731 * DAY_MS;

export interface DoraWindow {
  readonly since: number;
  readonly until: number;
}

/** One selected environment of one coflow namespace. */
export interface ScopedEnvironment {
  readonly namespace: string;
  readonly name: string;
}

function parseTime(field: 'since' | 'until', value: string): number {
  // ISO 8601 only: a date, or a date and time with a zone (Date.parse alone accepts far more).
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
  const t = iso.test(value) ? Date.parse(value) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to March: the calendar date must survive the round trip.
  const day = value.slice(0, 10);
  const valid = Number.isFinite(t) && new Date(Date.parse(`${day}T00:00:00Z`)).toISOString().slice(0, 10) === day;
  if (!valid) throw new DoraQueryError(field, `${field}: '${value}' is not an ISO 8601 date or date-time with a zone (e.g. 2026-01-05 or 2026-01-05T10:00:00Z)`);
  return t;
}

/** The window of a query at `now`: [since, until). */
export function resolveWindow(query: DoraQuery, now: number): DoraWindow {
  const until = query.until === undefined ? now : parseTime('until', query.until);
  const since = query.since === undefined ? until - DEFAULT_WINDOW_MS : parseTime('since', query.since);
  if (since >= until) throw new DoraQueryError('since', `since (${new Date(since).toISOString()}) must be before until (${new Date(until).toISOString()})`);
  if (until - since > MAX_WINDOW_MS) throw new DoraQueryError('since', `the window is longer than ${MAX_WINDOW_MS / DAY_MS} days; narrow since/until`);
  return { since, until };
}

/** The environments a query selects, from the stored environments files. */
export function selectEnvironments(query: DoraQuery, stored: readonly StoredEnvironments[]): ScopedEnvironment[] {
  const files = query.namespace === undefined ? stored : stored.filter((s) => s.namespace === query.namespace);
  const all = files.flatMap((f) => f.spec.environments.map((e) => ({ namespace: f.namespace, name: e.name, tier: e.tier })));
  const named = query.environments;
  if (named === undefined || named.length === 0) {
    return all.filter((e) => e.tier === 'production').map(({ namespace, name }) => ({ namespace, name }));
  }
  const unknown = named.filter((n) => !all.some((e) => e.name === n));
  if (unknown.length > 0) {
    const where = query.namespace === undefined ? 'any namespace' : `namespace ${query.namespace}`;
    const known = [...new Set(all.map((e) => e.name))].sort().join(', ') || 'none';
    throw new DoraQueryError('environment', `unknown environment ${unknown.map((n) => `'${n}'`).join(', ')} in ${where} (known: ${known})`);
  }
  return all.filter((e) => named.includes(e.name)).map(({ namespace, name }) => ({ namespace, name }));
}
