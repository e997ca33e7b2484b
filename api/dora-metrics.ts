/**
 * The DORA gauges of `/metrics` (docs/dora.md): per production environment
 * over the trailing 30 days, computed from the store at scrape time and
 * cached briefly (a scrape reads every gauge; Prometheus scrapes often).
 * Label values are bounded: environments come from environments files, and
 * past the busiest applications of an environment the rest are `other`.
 */
import { Gauge, type Registry } from 'prom-client';
import type { DoraReport } from '../contracts/dora.ts';
import { computeDora } from '../dora/index.ts';
import { loadDoraInput, type DoraStore } from './dora.ts';

export interface DoraMetricsOptions {
  readonly store: DoraStore;
  /** How long a computed snapshot answers scrapes (ms); default 30 s. */
  readonly cacheMs?: number;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
}

const TRAILING_MS = 30 * 86_400_000;
/** Applications of one environment with their own `coflow_deployments` series; the rest are summed as `other`. */
export const MAX_APPLICATION_LABELS = 20;

interface EnvironmentSnapshot {
  readonly namespace: string;
  readonly environment: string;
  readonly report: DoraReport;
  /** [application, result, count] */
  readonly deployments: readonly (readonly [string, string, number])[];
}

async function snapshotOf(store: DoraStore, now: number): Promise<EnvironmentSnapshot[]> {
  const stored = await store.listEnvironments();
  const production = stored.flatMap((s) => s.spec.environments.filter((e) => e.tier === 'production').map((e) => ({ namespace: s.namespace, environment: e.name })));
  return Promise.all(production.map(async ({ namespace, environment }) => {
    const query = { namespace, environments: [environment], since: new Date(now - TRAILING_MS).toISOString(), until: new Date(now).toISOString() };
    const input = await loadDoraInput(store, query, now);
    const counts = new Map<string, Map<string, number>>();
    for (const d of input.deployments) {
      if (Date.parse(d.startedAt) < now - TRAILING_MS) continue;
      const byResult = counts.get(d.application) ?? new Map<string, number>();
      byResult.set(d.result, (byResult.get(d.result) ?? 0) + 1);
      counts.set(d.application, byResult);
    }
    const busiest = [...counts.entries()].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
    const rows = new Map<string, number>();
    busiest.forEach(([application, byResult], i) => {
      const label = i < MAX_APPLICATION_LABELS ? application : 'other';
      for (const [result, n] of byResult) rows.set(`${label}\u0000${result}`, (rows.get(`${label}\u0000${result}`) ?? 0) + n);
    });
    const deployments = [...rows].map(([k, n]) => [...k.split('\u0000') as [string, string], n] as const);
    return { namespace, environment, report: computeDora(input), deployments };
  }));
}

const total = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/** Registers the DORA gauges on `registry`. */
export function registerDoraMetrics(registry: Registry, options: DoraMetricsOptions): void {
  const { store, cacheMs = 30_000, clock = Date.now } = options;
  let cached: { at: number; snapshot: Promise<EnvironmentSnapshot[]> } | undefined;
  const snapshot = (): Promise<EnvironmentSnapshot[]> => {
    const now = clock();
    if (!cached || now - cached.at >= cacheMs) {
      // A store that cannot answer leaves the gauges empty for this scrape (and is asked again at the next).
      const taken = { at: now, snapshot: snapshotOf(store, now).catch(() => { if (cached === taken) cached = undefined; return []; }) };
      cached = taken;
    }
    return cached.snapshot;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, s: EnvironmentSnapshot) => void): void => {
    const g: Gauge<L> = new Gauge<L>({
      name, help, labelNames, registers: [registry],
      async collect() {
        const snap = await snapshot();
        g.reset();
        for (const s of snap) fill(g, s);
      },
    });
  };
  const base = (s: EnvironmentSnapshot) => ({ namespace: s.namespace, environment: s.environment });
  gauge('coflow_dora_deployment_frequency_per_day', 'DORA: successful deployments per day, trailing 30 days, per production environment.', ['namespace', 'environment'], (g, s) => {
    const v = s.report.deploymentFrequency.deployments / 30;
    g.set(base(s), v);
  });
  gauge('coflow_dora_lead_time_hours', 'DORA: lead time for changes (committer time to deployed), hours, trailing 30 days; quantile 0.5 (median) and 0.9.', ['namespace', 'environment', 'quantile'], (g, s) => {
    if (s.report.leadTime.value !== null) g.set({ ...base(s), quantile: '0.5' }, s.report.leadTime.value);
    if (s.report.leadTime.p90Hours !== null) g.set({ ...base(s), quantile: '0.9' }, s.report.leadTime.p90Hours);
  });
  gauge('coflow_dora_change_failure_rate', 'DORA: share (0-1) of ended deployments that failed, were rolled back or caused an incident, trailing 30 days.', ['namespace', 'environment'], (g, s) => {
    if (s.report.changeFailureRate.value !== null) g.set(base(s), s.report.changeFailureRate.value);
  });
  gauge('coflow_dora_recovery_time_hours', 'DORA: failed deployment recovery time, median hours, trailing 30 days.', ['namespace', 'environment'], (g, s) => {
    if (s.report.recoveryTime.value !== null) g.set(base(s), s.report.recoveryTime.value);
  });
  gauge('coflow_deployments', 'Deployment records started in the trailing 30 days per production environment, application (past the 20 busiest: other) and result.', ['namespace', 'environment', 'application', 'result'], (g, s) => {
    for (const [application, result, n] of s.deployments) g.set({ ...base(s), application, result }, n);
  });
}
