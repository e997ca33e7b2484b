/** Figures the benchmarks print: medians, percentiles, spreads and the machine line. */
import { cpus, loadavg, totalmem } from 'node:os';

const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export const median = (xs: readonly number[]): number => sorted(xs)[Math.floor(xs.length / 2)]!;

/** The p-th percentile (0–100), nearest rank. */
export function percentile(xs: readonly number[], p: number): number {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export interface Spread { readonly min: number; readonly median: number; readonly max: number }

export function spread(xs: readonly number[]): Spread {
  const s = sorted(xs);
  return { min: s[0]!, median: median(s), max: s[s.length - 1]! };
}

export const ms = (x: number, digits = 1): string => `${x.toFixed(digits)} ms`;
export const ratio = (x: number, base: number): string => `${(x / base).toFixed(2)}×`;

/** One line naming the machine a figure was measured on, with its load average at the time. */
export function machine(): string {
  const cpu = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${gib} GiB, Node ${process.version}; load average ${load}`;
}
