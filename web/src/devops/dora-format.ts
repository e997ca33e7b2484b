/**
 * DORA values as the DevOps metrics page shows them: units people read
 * ("3.5 per day", "4.2 hours", "25 %"), tier names, the window of weeks, and
 * the geometry of the weekly trend charts. Pure, so it is unit-tested.
 */
import type { DoraReport, DoraTier, DoraWeek } from '../../../contracts/dora.ts';

/** The windows the page offers, in weeks; the first load uses 12 (the API's default). */
export const WINDOW_WEEKS = [4, 12, 26] as const;
export const DEFAULT_WEEKS = 12;

export const TIER_LABEL: Record<DoraTier, string> = { elite: 'Elite', high: 'High', medium: 'Medium', low: 'Low' };

const WEEK_MS = 7 * 24 * 3600_000;

/** Up to one decimal, without a trailing `.0`. */
const oneDecimal = (n: number): string => String(Math.round(n * 10) / 10);

/** The window ending `now`, `weeks` long, as the API's `since`/`until`. */
export function windowOf(weeks: number, now: number): { since: string; until: string } {
  return { since: new Date(now - weeks * WEEK_MS).toISOString(), until: new Date(now).toISOString() };
}

/** The weeks asked for in the URL, or the default when absent or not one the page offers. */
export function weeksOf(text: string | null): number {
  const n = Number(text);
  return (WINDOW_WEEKS as readonly number[]).includes(n) ? n : DEFAULT_WEEKS;
}

/** Deployment frequency in the largest unit that reads as at least one: per day, per week, per month. */
export function formatFrequency(perDay: number | null): string {
  if (perDay === null) return 'no deployments';
  if (perDay >= 1) return `${oneDecimal(perDay)} per day`;
  if (perDay * 7 >= 1) return `${oneDecimal(perDay * 7)} per week`;
  return `${oneDecimal(perDay * 30)} per month`;
}

/** A duration given in hours: minutes under an hour, hours under two days, days beyond. */
export function formatHours(hours: number | null): string {
  if (hours === null) return 'not measured';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${oneDecimal(hours)} hours`;
  return `${oneDecimal(hours / 24)} days`;
}

/** A share 0–1 as a percentage. */
export function formatRate(rate: number | null): string {
  return rate === null ? 'not measured' : `${oneDecimal(rate * 100)} %`;
}

/** One of the four cards: its title, value text, detail line, tier and sample count. */
export interface DoraCard {
  readonly key: 'frequency' | 'leadTime' | 'failureRate' | 'recovery';
  readonly title: string;
  readonly value: string;
  readonly detail: string;
  readonly tier: DoraTier | null;
  readonly samples: number;
  readonly samplesOf: string;
}

export function doraCards(r: DoraReport): DoraCard[] {
  const f = r.deploymentFrequency;
  const lt = r.leadTime;
  const cfr = r.changeFailureRate;
  const rec = r.recoveryTime;
  return [
    { key: 'frequency', title: 'Deployment frequency', value: formatFrequency(f.value), detail: `${f.deployments} successful deployment${f.deployments === 1 ? '' : 's'} in the window`, tier: f.tier, samples: f.samples, samplesOf: 'deployments' },
    { key: 'leadTime', title: 'Lead time for changes', value: formatHours(lt.value), detail: lt.p90Hours === null ? 'median, commit to deployed' : `median; p90 ${formatHours(lt.p90Hours)}`, tier: lt.tier, samples: lt.samples, samplesOf: 'commits' },
    { key: 'failureRate', title: 'Change failure rate', value: formatRate(cfr.value), detail: `${cfr.failures} failed, rolled back or with an incident`, tier: cfr.tier, samples: cfr.samples, samplesOf: 'deployments' },
    { key: 'recovery', title: 'Failed deployment recovery time', value: formatHours(rec.value), detail: 'median, failure or incident to recovery', tier: rec.tier, samples: rec.samples, samplesOf: 'recoveries' },
  ];
}

/** One weekly series the page charts. */
export interface Series {
  readonly key: keyof Omit<DoraWeek, 'weekStart'>;
  readonly title: string;
  readonly unit: string;
  /** The value as a point's label reads it. */
  readonly format: (v: number) => string;
  /** Scale applied before plotting (rates in percent). */
  readonly scale: number;
  readonly bars: boolean;
}

export const SERIES: readonly Series[] = [
  { key: 'deployments', title: 'Deployments per week', unit: 'deployments', format: (v) => `${v} deployment${v === 1 ? '' : 's'}`, scale: 1, bars: true },
  { key: 'leadTimeMedianHours', title: 'Lead time (median)', unit: 'hours', format: (v) => formatHours(v), scale: 1, bars: false },
  { key: 'changeFailureRate', title: 'Change failure rate', unit: '%', format: (v) => formatRate(v), scale: 100, bars: false },
  { key: 'recoveryMedianHours', title: 'Recovery time (median)', unit: 'hours', format: (v) => formatHours(v), scale: 1, bars: false },
];

/** `2026-11-02` of a week's start (UTC, as the API's weeks are). */
export const weekLabel = (weekStart: string): string => weekStart.slice(0, 10);

/** A round upper bound for an axis: 1, 2, 5 × 10ⁿ at or above `max` (1 for nothing). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

export interface ChartPoint {
  readonly x: number;
  /** Null where the week has no value (the line breaks there). */
  readonly y: number | null;
  readonly value: number | null;
}

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Where each week's value goes in the box: weeks evenly spaced, values from 0 to a round maximum. */
export function chartPoints(values: readonly (number | null)[], box: ChartBox): { points: ChartPoint[]; max: number } {
  const max = niceMax(Math.max(0, ...values.map((v) => v ?? 0)));
  const w = box.width - box.left - box.right;
  const h = box.height - box.top - box.bottom;
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  const points = values.map((value, i) => ({
    x: box.left + (values.length > 1 ? i * step : w / 2),
    y: value === null ? null : box.top + h - (value / max) * h,
    value,
  }));
  return { points, max };
}

/** SVG path of the line through the points, broken at weeks without a value. */
export function linePath(points: readonly ChartPoint[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.y === null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`;
    pen = true;
  }
  return d;
}
