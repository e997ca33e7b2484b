/**
 * Prepares a job before its attempts: interpolates its fields and runs its
 * `pre` Lua hook as an activity of its own, so every attempt (and every
 * Temporal retry of an attempt) reuses the recorded result of the hook.
 */
import { ActivityFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import type { HookActivities } from '../activities/hooks.ts';
import type { RunContext } from './run-context.ts';
import { tryInterpolateJob } from './expressions-context.ts';

const hooks = proxyActivities<HookActivities>({
  // The hook's own wall clock is far shorter; this only bounds a lost worker.
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5 },
});

/** The job as its attempts will receive it, or why it cannot run. Cancellation is rethrown. */
export async function prepareJob(ctx: RunContext, job: JobSpec): Promise<{ job: JobSpec } | { error: string }> {
  const interpolated = tryInterpolateJob(ctx, job);
  if ('error' in interpolated || job.pre === undefined) return interpolated;
  try {
    const r = await hooks.runPreHook({ runId: ctx.input.runId, jobPath: job.path, jobName: job.name, source: job.pre, inputs: interpolated.job.inputs });
    return { job: { ...interpolated.job, inputs: r.inputs } };
  } catch (err) {
    if (!isCancellation(err) && err instanceof ActivityFailure && err.cause) return { error: err.cause.message };
    throw err;
  }
}
