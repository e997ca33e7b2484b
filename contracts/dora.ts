/**
 * DORA metrics as the API returns them (`GET /api/v1/metrics/dora`), computed
 * from deployment and incident records by the dora/ module; thresholds and
 * their source in docs/dora.md. Pure data.
 */

export const DORA_TIERS = ['elite', 'high', 'medium', 'low'] as const;
export type DoraTier = (typeof DORA_TIERS)[number];

export interface DoraQuery {
  readonly namespace?: string;
  /** Environment names; absent = every environment of the production tier. */
  readonly environments?: readonly string[];
  readonly flowUri?: string;
  readonly application?: string;
  /** The window (ISO 8601); default: the 12 weeks before `until`, `until` = now. */
  readonly since?: string;
  readonly until?: string;
}

/** One metric's value over a window; `value` is null when nothing could be measured. */
export interface DoraValue {
  readonly value: number | null;
  /** Null when `value` is null. */
  readonly tier: DoraTier | null;
  /** How many records it was computed from (deployments, commits, failures, recoveries). */
  readonly samples: number;
}

export interface DoraWeek {
  /** Monday 00:00 UTC that starts the week. */
  readonly weekStart: string;
  readonly deployments: number;
  readonly leadTimeMedianHours: number | null;
  readonly changeFailureRate: number | null;
  readonly recoveryMedianHours: number | null;
}

export interface DoraReport {
  readonly since: string;
  readonly until: string;
  readonly environments: readonly string[];
  readonly flowUri?: string;
  /** Successful deployments per day over the window. */
  readonly deploymentFrequency: DoraValue & { readonly deployments: number; readonly perWeek: number | null };
  /** Commit (committer time) → deployment finished, in hours. */
  readonly leadTime: DoraValue & { readonly p90Hours: number | null };
  /** Share (0–1) of deployments that failed, were rolled back, or have a linked incident. */
  readonly changeFailureRate: DoraValue & { readonly failures: number };
  /** Failure or incident opened → next successful deployment or resolution, median in hours. */
  readonly recoveryTime: DoraValue;
  readonly weekly: readonly DoraWeek[];
}
