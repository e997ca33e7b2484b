/**
 * The four keys computed the plain way from deployment records as the API
 * lists them, for the end-to-end test to hold `GET /api/v1/metrics/dora`
 * against. Written from the rules in docs/dora.md, not from dora/: counted
 * deployments are deploy and marked ones that ended in the window (rollbacks
 * are not changes, they end recoveries); a failure is one that failed or was
 * rolled back (this history has no incidents); recovery runs from a failure's
 * end to the next deployment of the pair that restored it; each shipped
 * commit counts once, at the first successful deployment that shipped it.
 */
import type { DeploymentRecord } from '../../contracts/deployments.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface HandDora {
  readonly ended: number;
  readonly successes: number;
  readonly perDay: number;
  readonly failures: number;
  readonly changeFailureRate: number | null;
  readonly recoveryHours: readonly number[];
  readonly leadHours: readonly number[];
}

const at = (iso: string | undefined): number => Date.parse(iso ?? '');

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `records`: one pair's (environment, application) deployments, any order. */
export function doraByHand(records: readonly DeploymentRecord[], since: number, until: number): HandDora {
  const byEnd = [...records].filter((d) => d.finishedAt !== undefined).sort((a, b) => at(a.finishedAt) - at(b.finishedAt));
  const counted = byEnd.filter((d) => d.kind !== 'rollback' && at(d.finishedAt) >= since && at(d.finishedAt) < until);
  const isFailure = (d: DeploymentRecord): boolean => d.result === 'failed' || d.result === 'rolled back';
  const successes = counted.filter((d) => d.result === 'succeeded').length;
  const failures = counted.filter(isFailure);
  // A rollback restores the pair when it succeeded (one undone later had succeeded too).
  const restores = (d: DeploymentRecord): boolean => d.result === 'succeeded' || (d.kind === 'rollback' && d.result === 'rolled back');
  const recoveryHours = failures.flatMap((f) => {
    const next = byEnd.find((d) => d !== f && restores(d) && at(d.finishedAt) >= at(f.finishedAt));
    return next === undefined ? [] : [(at(next.finishedAt) - at(f.finishedAt)) / HOUR];
  });
  const shipped = new Set<string>();
  const leadHours: number[] = [];
  for (const d of counted.filter((c) => c.result === 'succeeded')) {
    for (const c of d.commits) {
      if (shipped.has(c.sha)) continue;
      shipped.add(c.sha);
      leadHours.push(Math.max(0, at(d.finishedAt) - at(c.committedAt)) / HOUR);
    }
  }
  return {
    ended: counted.length,
    successes,
    perDay: successes / ((until - since) / DAY),
    failures: failures.length,
    changeFailureRate: counted.length === 0 ? null : failures.length / counted.length,
    recoveryHours,
    leadHours,
  };
}
