/**
 * One job of a run: its attempts (retries with backoff), the pause gate
 * before each attempt, and `repeat` for 7x24 scenarios — which is where a
 * run may continue as new to keep its history bounded.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import type { JobActivities } from '../activities/run-job.ts';
import type { JobAttemptInput } from '../contracts/job-attempt.ts';
import { now, type RunContext } from './run-context.ts';
import { type RunInput } from '../contracts/run-input.ts';
import { prepareJob } from './job-prepare.ts';
import { serviceAttempt } from './service.ts';
import type { AttemptStatus, JobState, JobStatus } from '../contracts/run-status.ts';

/** Heartbeats come every second from a live attempt; a silent worker is presumed dead and the attempt re-attached elsewhere. */
const HEARTBEAT_TIMEOUT = '10s';
/** Slack over the job timeout before Temporal gives up on an activity that enforces its own timeout. */
const TIMEOUT_GRACE_MS = 120_000;
const NO_LIMIT_MS = 30 * 24 * 3600_000;
/** A repeat job keeps only its latest attempts in the tree; the counts stay exact. */
const KEPT_ATTEMPTS = 20;
const DEFAULT_HISTORY_LIMIT = 10_000;

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

function finish(node: { state: JobState; endedAt?: string }, state: JobState): JobState {
  node.state = state;
  node.endedAt = now();
  return state;
}

/** Waits while the run is paused: running jobs finish, no new attempt starts. */
function whileNotPaused(ctx: RunContext): Promise<void> {
  return ctx.status.paused ? condition(() => !ctx.status.paused) : Promise.resolve();
}

/** Runs one job to its end (or returns its carried/reused final state). Never throws a cancellation. */
export async function runJob(ctx: RunContext, job: JobSpec, js: JobStatus): Promise<JobState> {
  if (js.state === 'succeeded' || js.state === 'failed' || js.state === 'skipped' || js.state === 'cancelled') return js.state;
  try {
    if (js.state === 'pending') await whileNotPaused(ctx);
  } catch (err) {
    if (isCancellation(err)) return finish(js, 'cancelled');
    throw err;
  }
  if (js.state === 'pending') {
    js.state = 'running';
    js.startedAt = now();
  }
  if (job.repeat) return runRepeated(ctx, job, js);
  const state = await runAttempts(ctx, job, js);
  return state === 'succeeded' ? finish(js, 'succeeded') : state;
}

/** Attempts until one succeeds, retries run out, or retrying cannot help. A success leaves `js` running (a repeat job goes on). */
async function runAttempts(ctx: RunContext, spec: JobSpec, js: JobStatus): Promise<JobState> {
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
  const subscribed: Record<string, string> = {};
  for (const sub of job.subscriptions) subscribed[sub.env] = ctx.outputs.get(sub.from)?.[sub.output] ?? '';
  // Service jobs make an HTTP call (workflows/service.ts); the attempt loop is the same.
  const acts = activitiesFor(job);
  const runAttempt = job.kind === 'service' ? serviceAttempt(job) : (input: JobAttemptInput) => acts.runJobAttempt(input);
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
      const r = await runAttempt({ runId: ctx.input.runId, flowUri: ctx.flow.uri, job, attempt, subscribed });
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

/** Succeeded attempts of one repetition leave the job running; it ends when a bound is reached or a repetition fails. */
async function runRepeated(ctx: RunContext, job: JobSpec, js: JobStatus): Promise<JobState> {
  const repeat = job.repeat!;
  js.repeatStartedAt ??= now();
  js.repetitions ??= 0;
  const first = Date.parse(js.repeatStartedAt);
  const boundReached = (at: number): boolean =>
    (repeat.count > 0 && js.repetitions! >= repeat.count) ||
    (repeat.forMs > 0 && at >= first + repeat.forMs) ||
    (repeat.until !== undefined && at >= Date.parse(repeat.until));

  for (;;) {
    if (js.nextRepetitionAt !== undefined) {
      // Resumed after continue-as-new: keep the interval the last execution was waiting out.
      try {
        await sleep(Math.max(Date.parse(js.nextRepetitionAt) - Date.now(), 1));
      } catch (err) {
        if (!isCancellation(err)) throw err;
        return finish(js, 'cancelled');
      }
      delete js.nextRepetitionAt;
    }
    if (boundReached(Date.now())) return finish(js, 'succeeded');
    const started = Date.now();
    const state = await runAttempts(ctx, job, js);
    if (state !== 'succeeded') return state;
    js.repetitions++;
    const next = started + repeat.everyMs;
    if (boundReached(next)) return finish(js, 'succeeded');
    js.nextRepetitionAt = new Date(next).toISOString();
    await maybeContinueAsNew(ctx);
  }
}

/**
 * Continues the run as a new execution, carrying its tree, when the history
 * grew past the limit — only when no activity is in flight, so nothing
 * running is abandoned. The run keeps its id, number and status.
 */
async function maybeContinueAsNew(ctx: RunContext): Promise<void> {
  const info = workflowInfo();
  const limit = ctx.input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  if (ctx.inFlight > 0 || !(info.continueAsNewSuggested || info.historyLength >= limit)) return;
  ctx.status.continuedAsNew++;
  const next: RunInput = { ...ctx.input, carried: { status: ctx.status, outputs: Object.fromEntries(ctx.outputs) } };
  await continueAsNew<(input: RunInput) => Promise<unknown>>(next);
}
