/**
 * How a run ends: its final state and the one error a user reads first,
 * decided from what the stages came to (or from a concurrency turn it never got).
 */
import { jobsOf } from '../contracts/run-status.ts';
import { finish, type RunContext } from './run-context.ts';
import { skipAll, type StagesResult } from './stages.ts';

/** Ends a run that never got its turn under the flow's `concurrency`: nothing ran, everything is skipped. */
export function endWithoutTurn(ctx: RunContext, turn: 'rejected' | 'cancelled'): void {
  const { status } = ctx;
  status.stages.forEach(skipAll);
  finish(status, 'cancelled');
  if (turn === 'cancelled') status.error = 'cancelled while queued behind earlier runs (concurrency)';
}

/** Ends the run: a timeout before a cancellation before a failed main stage before a failed `end` stage. */
export function endRun(ctx: RunContext, result: StagesResult): void {
  const { flow, status } = ctx;
  if (result.timedOut) {
    status.error = `run timed out after ${flow.timeoutMs / 1000}s`;
    finish(status, 'failed');
  } else if (result.cancelled) {
    finish(status, 'cancelled');
  } else if (result.failedStage !== undefined) {
    // Name the failed job when there is one: it says more than the stage.
    const failedJob = jobsOf(status).find((j) => j.state === 'failed' && !j.allowedFailure);
    const stageError = status.stages.find((s) => s.name === result.failedStage)?.error;
    status.error = failedJob ? `job ${failedJob.path} failed: ${failedJob.error ?? 'unknown reason'}` : `stage ${result.failedStage} failed${stageError ? `: ${stageError}` : ''}`;
    finish(status, 'failed');
  } else if (result.endFailed) {
    status.error = 'an end-stage job failed';
    finish(status, 'failed');
  } else {
    finish(status, 'succeeded');
  }
}
