/**
 * One job of a run: waits out a pause, then runs its attempts
 * (attempts.ts), or repeats them for 7x24 scenarios (repeat.ts).
 */
import { isCancellation } from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import type { JobState, JobStatus } from '../contracts/run-status.ts';
import { runAttempts } from './attempts.ts';
import { whileNotPaused } from './pause.ts';
import { runRepeated } from './repeat.ts';
import { finish, now, type RunContext } from './run-context.ts';

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
