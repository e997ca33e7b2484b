/**
 * The platform's Prometheus metrics, on one registry per platform (not the
 * global one: tests run several platforms in one process). The API records
 * HTTP latency, webhook deliveries and runs it started; the worker records job
 * attempt durations; run totals by status come from Temporal visibility at
 * scrape time, so they are right across every API server and worker.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerDoraMetrics, type DoraMetricsOptions } from './dora-metrics.ts';
import { RUN_FILTER_STATES, type RunFilterState } from './run-list.ts';

export interface ApiMetricsOptions {
  /** Counts runs in a state (Temporal visibility); omitted: the gauge stays empty. */
  readonly countRuns?: (state: RunFilterState) => Promise<number>;
  /** The store the DORA gauges read at scrape time (api/dora-metrics.ts); omitted: no DORA gauges. */
  readonly dora?: DoraMetricsOptions;
}

export interface ApiMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly webhookDeliveries: Counter<'forge' | 'result'>;
  readonly runsStarted: Counter<'trigger'>;
  readonly jobAttemptDuration: Histogram<'result'>;
}

/** Creates the registry and every metric. */
export function createMetrics(options: ApiMetricsOptions = {}): ApiMetrics {
  const registry = new Registry();
  const { countRuns } = options;
  const runs = new Gauge({
    name: 'coflow_runs',
    help: 'Runs by status, from Temporal visibility (open: running, waiting at a gate, paused; finished: succeeded, failed, cancelled).',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      if (!countRuns) return;
      const counts = await Promise.all(RUN_FILTER_STATES.map(async (s) => [s, await countRuns(s).catch(() => Number.NaN)] as const));
      for (const [status, n] of counts) runs.set({ status }, n);
    },
  });
  if (options.dora) registerDoraMetrics(registry, options.dora);
  return {
    registry,
    httpDuration: new Histogram({
      name: 'coflow_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'coflow_webhook_deliveries_total',
      help: 'Webhook deliveries by forge and result (started, duplicate, filtered, bad_signature, …).',
      labelNames: ['forge', 'result'],
      registers: [registry],
    }),
    runsStarted: new Counter({
      name: 'coflow_runs_started_total',
      help: 'Runs started by this process, by trigger kind (manual, github, gitlab, gitea, webhook, schedule).',
      labelNames: ['trigger'],
      registers: [registry],
    }),
    jobAttemptDuration: new Histogram({
      name: 'coflow_job_attempt_duration_seconds',
      help: 'Duration of job attempts run by this process\'s worker, by result (succeeded, failed, cancelled, error).',
      labelNames: ['result'],
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
  };
}
