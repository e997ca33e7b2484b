/**
 * The DORA performance clusters as per-metric thresholds: Accelerate State of
 * DevOps Report 2024 (DORA, Google Cloud), "software delivery performance
 * levels". docs/dora.md gives the table, the source and where the report's
 * clusters are not monotonic per metric (how coflow keeps tiers ordered).
 * Pure.
 */
import type { DoraTier } from '../contracts/dora.ts';

const DAY_HOURS = 24;
const WEEK_HOURS = 7 * DAY_HOURS;
const MONTH_HOURS = 30 * DAY_HOURS;

/** Successful deployments per day → tier: elite more than once a day; high at least weekly; medium at least monthly. */
export function frequencyTier(perDay: number): DoraTier {
  if (perDay > 1) return 'elite';
  if (perDay >= 1 / 7) return 'high';
  if (perDay >= 1 / 30) return 'medium';
  return 'low';
}

/** Median lead time (hours) → tier: elite under a day; high up to a week; medium up to a month (30 days). */
export function leadTimeTier(hours: number): DoraTier {
  if (hours < DAY_HOURS) return 'elite';
  if (hours <= WEEK_HOURS) return 'high';
  if (hours <= MONTH_HOURS) return 'medium';
  return 'low';
}

/** Change failure rate (0–1) → tier: elite up to 5 %; high up to 20 %; medium under 40 %; low from 40 %. */
export function failureRateTier(rate: number): DoraTier {
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.2) return 'high';
  if (rate < 0.4) return 'medium';
  return 'low';
}

/** Median recovery time (hours) → tier: elite under an hour; high under a day; medium up to a week; low beyond. */
export function recoveryTier(hours: number): DoraTier {
  if (hours < 1) return 'elite';
  if (hours < DAY_HOURS) return 'high';
  if (hours <= WEEK_HOURS) return 'medium';
  return 'low';
}
