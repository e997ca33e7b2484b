/**
 * Observes the duration of every job attempt the worker runs, by result,
 * with an activity interceptor: the activities themselves stay unaware of metrics.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Histogram } from 'prom-client';
import type { JobAttemptResult } from '../contracts/job-attempt.ts';

export function jobMetricsInterceptor(histogram: Histogram<'result'>): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        if (ctx.info.activityType !== 'runJobAttempt') return next(input);
        const started = performance.now();
        let result = 'error';
        try {
          const r = (await next(input)) as JobAttemptResult;
          result = r.succeeded ? 'succeeded' : r.cancelled ? 'cancelled' : 'failed';
          return r;
        } finally {
          histogram.observe({ result }, (performance.now() - started) / 1000);
        }
      },
    },
  });
}
