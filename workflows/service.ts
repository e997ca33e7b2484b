/**
 * How the workflow calls the `service` job activity (activities/service.ts):
 * one call per attempt, never repeated by Temporal (a second call could start
 * a second build on the other system; job `retries` make new attempts), and
 * a wait for the callback bounded by the activity's schedule-to-close timeout,
 * reported as "no callback within …". A waiting attempt heartbeats: when its
 * worker is lost, Temporal retries it on another worker, which takes the wait
 * over without calling again (activities/service.ts).
 */
import { ActivityCancellationType, ActivityFailure, TimeoutFailure, proxyActivities } from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import type { ServiceActivities } from '../activities/service.ts';
import type { JobAttemptInput, JobAttemptResult } from '../contracts/job-attempt.ts';

/** The call's own bound (the activity aborts it) when the job sets no timeout; keep in step with activities/service.ts. */
const DEFAULT_REQUEST_TIMEOUT_MS = 600_000;
/** Slack for the activity to report a call it aborted at its own timeout. */
const CALL_GRACE_MS = 30_000;

/** `90000` → `90s`, `3600000` → `1h`. */
function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** The attempt function of a service job, with the same result shape as a container attempt. */
export function serviceAttempt(job: JobSpec): (input: JobAttemptInput) => Promise<JobAttemptResult> {
  const callback = job.service?.callback;
  const acts = proxyActivities<ServiceActivities>({
    ...(callback !== undefined
      ? {
          // The wait, counted from the attempt's start (the call included), across the workers that take it over.
          scheduleToCloseTimeout: callback.timeoutMs,
          // Retried only when the worker stopped heartbeating: the retry takes the wait over, never calls again.
          retry: { maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 1 },
        }
      : { startToCloseTimeout: (job.timeoutMs > 0 ? job.timeoutMs : DEFAULT_REQUEST_TIMEOUT_MS) + CALL_GRACE_MS, retry: { maximumAttempts: 1 } }),
    heartbeatTimeout: '10s',
    // Nothing to wait for on cancel: an awaited callback that comes later finds the job gone.
    cancellationType: ActivityCancellationType.TRY_CANCEL,
  });
  return async (input) => {
    try {
      return await acts.callService(input);
    } catch (err) {
      if (callback !== undefined && err instanceof ActivityFailure && err.cause instanceof TimeoutFailure && err.cause.timeoutType !== 'HEARTBEAT') {
        const reason = `no callback within ${duration(callback.timeoutMs)}`;
        return { succeeded: false, exitCode: null, timedOut: true, cancelled: false, outputs: {}, warnings: [], reason, retryable: true, logLines: 0 };
      }
      throw err;
    }
  };
}
