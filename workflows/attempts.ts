/**
 * The attempts of a job (`retries:`): one activity call per attempt, a
 * durable timer for the backoff between them, every attempt in the tree
 * with its reason.
 */
import { ActivityCancellationType, ActivityFailure, ApplicationFailure, isCancellation, proxyActivities, sleep } from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import type { JobActivities } from '../activities/run-job.ts';
import type { JobAttemptInput } from '../contracts/job-attempt.ts';
import type { AttemptStatus, JobState, JobStatus } from '../contracts/run-status.ts';
import { prepareJob } from './job-prepare.ts';
import { whileNotPaused } from './pause.ts';
import { finish, now, type RunContext } from './run-context.ts';
import { deployAttempt } from './deploy.ts';
import { markedAttempt } from './deploy-marked.ts';
import { secretsRefusal } from './secrets-withheld.ts';
import { serviceAttempt } from './service.ts';

/** Heartbeats come every second from a live attempt; a silent worker is presumed dead and the attempt re-attached elsewhere. */
const HEARTBEAT_TIMEOUT = '10s';
/** Slack over the job timeout before Temporal gives up on an activity that enforces its own timeout. */
const TIMEOUT_GRACE_MS = 120_000;
const NO_LIMIT_MS = 30 * 24 * 3600_000;
/** A repeat job keeps only its latest attempts in the tree; the counts stay exact. */
const KEPT_ATTEMPTS = 20;

function activitiesFor(job: JobSpec): JobActivities {
  return proxyActivities<JobActivities>({
    startToCloseTimeout: job.timeoutMs > 0 ? job.timeoutMs + TIMEOUT_GRACE_MS : NO_LIMIT_MS,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Activity-level retries cover infrastructure only (worker lost, daemon
    // hiccup): the same job attempt, re-attached by its container name. Job
    // retries (`retries:`) are new attempts counted by this workflow.
    retry: { initialInterval: '1s', maximumInterval: '30s', backoffCoefficient: 2, maximumAttempts: 10 },
  });
}

/** Backoff before attempt `next` (2, 3, …): exponential from `backoffMs`, capped. */
export function retryDelay(job: JobSpec, next: number): number {
  const { backoffMs, maxBackoffMs } = job.retries;
  return Math.min(backoffMs * 2 ** (next - 2), maxBackoffMs > 0 ? maxBackoffMs : Number.MAX_SAFE_INTEGER);
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

function isNonRetryable(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable === true;
}

/** Attempts until one succeeds, retries run out, or retrying cannot help. A success leaves `js` running (a repeat job goes on). */
export async function runAttempts(ctx: RunContext, spec: JobSpec, js: JobStatus): Promise<JobState> {
  let prepared;
  // The `pre` hook is an activity too: no continue-as-new while it is in flight.
  ctx.inFlight++;
  try {
    prepared = await prepareJob(ctx, spec);
  } catch (err) {
    if (isCancellation(err)) return finish(js, 'cancelled');
    throw err;
  } finally {
    ctx.inFlight--;
  }
  if ('error' in prepared) {
    js.error = prepared.error;
    return finish(js, 'failed');
  }
  const job = prepared.job;
  const withheld = ctx.input.secretsWithheld;
  const refused = secretsRefusal(withheld, job);
  if (refused !== undefined) {
    js.error = refused;
    return finish(js, 'failed');
  }
  const subscribed: Record<string, string> = {};
  for (const sub of job.subscriptions) subscribed[sub.env] = ctx.outputs.get(sub.from)?.[sub.output] ?? '';
  // Service jobs make an HTTP call (workflows/service.ts), deploy jobs drive the engine; the attempt loop is the same.
  const acts = activitiesFor(job);
  const own = job.kind === 'deploy' ? deployAttempt(ctx, job, js) : job.kind === 'service' ? serviceAttempt(job) : (input: JobAttemptInput) => acts.runJobAttempt(input);
  // Deploy jobs (workflows/deploy.ts) and jobs marked `deployment:` (deploy-marked.ts) are recorded deployments.
  const runAttempt = markedAttempt(ctx, job, js, own);
  let failedInRow = 0;

  for (;;) {
    try {
      await whileNotPaused(ctx);
    } catch (err) {
      if (isCancellation(err)) return finish(js, 'cancelled');
      throw err;
    }
    const attempt = (js.attempts[js.attempts.length - 1]?.number ?? 0) + 1;
    const at: AttemptStatus = { number: attempt, state: 'running', startedAt: now() };
    js.attempts.push(at);
    if (js.attempts.length > KEPT_ATTEMPTS) js.attempts.shift();
    let retryable = true;
    ctx.inFlight++;
    try {
      const r = await runAttempt({ runId: ctx.input.runId, flowUri: ctx.flow.uri, job, attempt, subscribed, ...(withheld === undefined ? {} : { secretsWithheld: withheld }) });
      at.exitCode = r.exitCode;
      for (const w of r.warnings) if (!js.warnings.includes(w)) js.warnings.push(w);
      if (r.succeeded) {
        finish(at, 'succeeded');
        js.outputs = { ...r.outputs };
        ctx.outputs.set(job.path, r.outputs);
        return 'succeeded';
      }
      at.reason = r.reason;
      finish(at, r.cancelled ? 'cancelled' : 'failed');
      if (r.cancelled) return finish(js, 'cancelled');
      retryable = r.retryable;
    } catch (err) {
      if (isCancellation(err)) {
        at.reason = 'cancelled';
        finish(at, 'cancelled');
        return finish(js, 'cancelled');
      }
      at.reason = failureMessage(err);
      finish(at, 'failed');
      retryable = !isNonRetryable(err);
    } finally {
      ctx.inFlight--;
    }
    failedInRow++;
    if (!retryable || failedInRow > job.retries.max) {
      js.error = at.reason;
      return finish(js, 'failed');
    }
    try {
      await sleep(retryDelay(job, failedInRow + 1));
    } catch (err) {
      if (!isCancellation(err)) throw err;
      return finish(js, 'cancelled');
    }
  }
}
