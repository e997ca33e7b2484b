/**
 * The run workflow: one Temporal workflow per run, interpreting the pinned
 * flow deterministically. It is the one writer of run state (the status tree).
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { ActionSpec, FlowSpec, JobSpec, StageSpec } from '../flow/model.ts';
import type { JobAttemptInput, JobAttemptResult } from '../activities/types.ts';
import { initialStatus, type ActionStatus, type AttemptStatus, type JobState, type JobStatus, type RunStatus, type StageStatus } from './status.ts';

export interface RunInput {
  readonly runId: string;
  readonly number: number;
  readonly flowVersion: number;
  /** The flow as applied, components already resolved to images (pinned for this run). */
  readonly flow: FlowSpec;
}

/** Returns the live stage/action/job tree. */
export const statusQuery = defineQuery<RunStatus>('status');

type Activities = { runJobAttempt(input: JobAttemptInput): Promise<JobAttemptResult> };

/** Heartbeats come every few seconds from a live attempt; a silent worker is presumed dead. */
const HEARTBEAT_TIMEOUT = '30s';
/** Slack over the job timeout before Temporal gives up on an activity that enforces its own timeout. */
const TIMEOUT_GRACE_MS = 120_000;
const NO_LIMIT_MS = 30 * 24 * 3600_000;

function activitiesFor(job: JobSpec): Activities {
  return proxyActivities<Activities>({
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

function now(): string {
  return new Date().toISOString();
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

function isNonRetryable(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable === true;
}

/** Runs a flow to the end and returns the final status tree. */
export async function runFlow(input: RunInput): Promise<RunStatus> {
  const { flow, runId } = input;
  const status = initialStatus(flow, runId, input.number, input.flowVersion, now());
  setHandler(statusQuery, () => status);

  /** Outputs of finished jobs, by job path (feeds `subscriptions`). */
  const outputs = new Map<string, Readonly<Record<string, string>>>();

  function finish(node: { state: RunStatus['state']; endedAt?: string }, state: JobState): void {
    node.state = state;
    node.endedAt = now();
  }

  function skipAll(stage: StageStatus): void {
    stage.state = 'skipped';
    for (const a of stage.actions) {
      a.state = 'skipped';
      for (const j of a.jobs) j.state = 'skipped';
    }
  }

  async function runJob(job: JobSpec, js: JobStatus): Promise<JobState> {
    js.state = 'running';
    js.startedAt = now();
    const subscribed: Record<string, string> = {};
    for (const sub of job.subscriptions) subscribed[sub.env] = outputs.get(sub.from)?.[sub.output] ?? '';
    const acts = activitiesFor(job);

    for (let attempt = 1; ; attempt++) {
      const at: AttemptStatus = { number: attempt, state: 'running', startedAt: now() };
      js.attempts.push(at);
      let retryable = true;
      try {
        const r = await acts.runJobAttempt({ runId, flowUri: flow.uri, job, attempt, subscribed });
        at.exitCode = r.exitCode;
        js.warnings.push(...r.warnings);
        if (r.succeeded) {
          finish(at, 'succeeded');
          js.outputs = { ...r.outputs };
          outputs.set(job.path, r.outputs);
          finish(js, 'succeeded');
          return 'succeeded';
        }
        at.reason = r.reason;
        finish(at, r.cancelled ? 'cancelled' : 'failed');
        if (r.cancelled) {
          finish(js, 'cancelled');
          return 'cancelled';
        }
        retryable = r.retryable;
      } catch (err) {
        if (isCancellation(err)) {
          at.reason = 'cancelled';
          finish(at, 'cancelled');
          finish(js, 'cancelled');
          return 'cancelled';
        }
        at.reason = failureMessage(err);
        finish(at, 'failed');
        retryable = !isNonRetryable(err);
      }
      if (!retryable || attempt > job.retries.max) {
        js.error = at.reason;
        finish(js, 'failed');
        return 'failed';
      }
      try {
        await sleep(retryDelay(job, attempt + 1));
      } catch (err) {
        if (!isCancellation(err)) throw err;
        finish(js, 'cancelled');
        return 'cancelled';
      }
    }
  }

  /** Jobs of an action run in sequence; the first failure (not allowed) ends the action. */
  async function runAction(action: ActionSpec, as: ActionStatus, scope: CancellationScope | undefined): Promise<boolean> {
    as.state = 'running';
    as.startedAt = now();
    let ok = true;
    for (const [i, job] of action.jobs.entries()) {
      const js = as.jobs[i]!;
      if (!ok || scope?.consideredCancelled) {
        js.state = ok ? 'cancelled' : 'skipped';
        continue;
      }
      const state = await runJob(job, js);
      if (state === 'failed' && job.allowFailure) {
        js.allowedFailure = true;
      } else if (state !== 'succeeded') {
        ok = false;
        as.state = state === 'cancelled' ? 'cancelled' : 'failed';
      }
    }
    if (ok) as.state = 'succeeded';
    as.endedAt = now();
    return ok;
  }

  /** Actions run in sequence or in parallel; in parallel, one failure cancels the others (fail fast). */
  async function runStage(stage: StageSpec, ss: StageStatus): Promise<boolean> {
    ss.state = 'running';
    ss.startedAt = now();
    if (stage.type === 'pause') {
      // Approval gates come with run control; until then a gate must never let a run through unapproved.
      ss.error = 'approval gates (pause stages) are not supported by this version of coflow';
      finish(ss, 'failed');
      return false;
    }
    let ok = true;
    if (stage.sequencing === 'parallel') {
      const scope = new CancellationScope();
      const results = await scope.run(() =>
        Promise.all(
          stage.actions.map(async (action, i) => {
            const passed = await runAction(action, ss.actions[i]!, scope);
            if (!passed) scope.cancel();
            return passed;
          }),
        ),
      );
      ok = results.every(Boolean);
    } else {
      for (const [i, action] of stage.actions.entries()) {
        const as = ss.actions[i]!;
        if (!ok) {
          as.state = 'skipped';
          as.jobs.forEach((j) => (j.state = 'skipped'));
          continue;
        }
        ok = await runAction(action, as, undefined);
      }
    }
    const cancelled = ss.actions.some((a) => a.state === 'cancelled') && !ss.actions.some((a) => a.state === 'failed');
    finish(ss, ok ? 'succeeded' : cancelled ? 'cancelled' : 'failed');
    return ok;
  }

  const mainStages = flow.stages.map((s, i) => ({ spec: s, status: status.stages[i]! })).filter((s) => s.spec.type !== 'end');
  const endStages = flow.stages.map((s, i) => ({ spec: s, status: status.stages[i]! })).filter((s) => s.spec.type === 'end');

  let timedOut = false;
  let failedStage: string | undefined;
  const main = new CancellationScope();
  if (flow.timeoutMs > 0) {
    // The timer lives outside `main` so that cancelling `main` leaves it alone.
    void CancellationScope.nonCancellable(async () => {
      await sleep(flow.timeoutMs);
      timedOut = true;
      main.cancel();
    }).catch(() => undefined);
  }
  try {
    await main.run(async () => {
      for (const { spec, status: ss } of mainStages) {
        if (failedStage !== undefined || main.consideredCancelled) {
          skipAll(ss);
          continue;
        }
        if (!(await runStage(spec, ss))) failedStage = spec.name;
      }
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  const cancelled = !timedOut && (main.consideredCancelled || CancellationScope.current().consideredCancelled);

  // `end` jobs always run, after success, failure, timeout or cancellation.
  await CancellationScope.nonCancellable(async () => {
    for (const { spec, status: ss } of endStages) await runStage(spec, ss);
  });

  if (timedOut) {
    status.error = `run timed out after ${flow.timeoutMs / 1000}s`;
    finish(status, 'failed');
  } else if (cancelled) {
    finish(status, 'cancelled');
  } else if (failedStage !== undefined) {
    const failedJob = status.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs)).find((j) => j.state === 'failed' && !j.allowedFailure);
    status.error = failedJob ? `job ${failedJob.path} failed: ${failedJob.error ?? 'unknown reason'}` : `stage ${failedStage} failed`;
    finish(status, 'failed');
  } else if (endStages.some((s) => s.status.state === 'failed')) {
    status.error = 'an end-stage job failed';
    finish(status, 'failed');
  } else {
    finish(status, 'succeeded');
  }
  return status;
}
