/**
 * Pausing a run: the `pause` and `resume` signals flip one flag in the tree,
 * and every job attempt waits for it to clear before it starts. Running
 * attempts are never interrupted by a pause.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { pauseSignal, resumeSignal } from '../contracts/signals.ts';
import { refreshRunState, type RunContext } from './run-context.ts';

/** Registers the `pause` and `resume` signal handlers (signals sent before a worker ran are delivered here). */
export function handlePauseSignals(ctx: RunContext): void {
  setHandler(pauseSignal, () => {
    ctx.status.paused = true;
    refreshRunState(ctx);
  });
  setHandler(resumeSignal, () => {
    ctx.status.paused = false;
    refreshRunState(ctx);
  });
}

/** Waits while the run is paused: running jobs finish, no new attempt starts. */
export function whileNotPaused(ctx: RunContext): Promise<void> {
  return ctx.status.paused ? condition(() => !ctx.status.paused) : Promise.resolve();
}
