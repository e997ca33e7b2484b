/**
 * The runs list's filters as the URL query holds them (so a filtered list is
 * a link, and back/forward work) and as the API takes them. Pure.
 */
import { TRIGGER_KINDS } from '../../../contracts/triggers.ts';

/** Every state `GET /api/v1/runs?status=` filters by: open ones first, then the ends. */
export const STATUS_FILTERS = ['running', 'waiting', 'paused', 'succeeded', 'failed', 'cancelled'] as const;
export const TRIGGER_FILTERS: readonly string[] = TRIGGER_KINDS;

export interface RunFilters {
  readonly flow?: string;
  readonly status?: string;
  readonly trigger?: string;
  readonly branch?: string;
  /** ISO 8601 (the URL keeps what the API takes). */
  readonly since?: string;
  readonly until?: string;
}

export const FILTER_KEYS = ['flow', 'status', 'trigger', 'branch', 'since', 'until'] as const;

/** The filters in a URL query; empty values are no filter. */
export function filtersOf(search: URLSearchParams): RunFilters {
  const f: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = search.get(k)?.trim();
    if (v) f[k] = v;
  }
  return f;
}

/** The URL query of the filters (`?status=failed&branch=main`), keys in a stable order. */
export function searchOf(filters: RunFilters, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters[k]) q.set(k, filters[k]);
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Two filter sets are the same list. */
export const sameFilters = (a: RunFilters, b: RunFilters): boolean => FILTER_KEYS.every((k) => (a[k] ?? '') === (b[k] ?? ''));

/**
 * A `<input type="datetime-local">` value (local time, no zone) as ISO 8601
 * UTC, or undefined when empty or not a time.
 */
export function isoOfLocal(value: string): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The other way: an ISO time as a `datetime-local` value in local time ('' when absent or bad). */
export function localOfIso(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
