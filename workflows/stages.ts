/**
 * The stages of a run in order: the main stages inside one cancellation
 * scope that a cancel or the flow's timeout cancels, then the `end` stages,
 * which always run. A failed stage skips the main stages after it.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { StageSpec } from '../flow/model.ts';
import { isFinal, type StageStatus } from '../contracts/run-status.ts';
import { runActions } from './action.ts';
import { skippedByCondition } from './expressions-context.ts';
import { runGate } from './gate.ts';
import { reportStageEnd, reportStageStart } from './report-hooks.ts';
import { finish, now, type RunContext } from './run-context.ts';

/** What the stages came to: what the run's outcome (outcome.ts) is decided from. */
export interface StagesResult {
  /** The flow's timeout cancelled the main stages. */
  readonly timedOut: boolean;
  /** The run was cancelled (not by its timeout). */
  readonly cancelled: boolean;
  /** The first main stage that failed. */
  readonly failedStage?: string;
  /** An `end` stage failed. */
  readonly endFailed: boolean;
}

/** Runs the main stages, then the `end` stages; the caller decides the outcome. */
export async function runStages(ctx: RunContext): Promise<StagesResult> {
  const { flow, status } = ctx;
  const staged = flow.stages.map((s, i) => ({ spec: s, status: status.stages[i]! }));
  const mainStages = staged.filter((s) => s.spec.type !== 'end');
  const endStages = staged.filter((s) => s.spec.type === 'end');

  let failedStage: string | undefined;
  const main = new CancellationScope();
  const timeout = armFlowTimeout(ctx, main);
  try {
    await main.run(async () => {
      for (const { spec, status: ss } of mainStages) {
        if (failedStage !== undefined || main.consideredCancelled) {
          skipAll(ss);
          continue;
        }
        if (!(await runStage(ctx, spec, ss))) failedStage = spec.name;
      }
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  const cancelled = !timeout.timedOut && (main.consideredCancelled || CancellationScope.current().consideredCancelled);

  // `end` jobs always run, after success, failure, timeout or cancellation; a pause does not hold them.
  status.paused = false;
  await CancellationScope.nonCancellable(async () => {
    for (const { spec, status: ss } of endStages) await runStage(ctx, spec, ss);
  });
  return {
    timedOut: timeout.timedOut,
    cancelled,
    ...(failedStage === undefined ? {} : { failedStage }),
    endFailed: endStages.some((s) => s.status.state === 'failed'),
  };
}

/** Cancels `main` once the flow's timeout has passed; `timedOut` tells whether it did. */
function armFlowTimeout(ctx: RunContext, main: CancellationScope): { timedOut: boolean } {
  const timeout = { timedOut: false };
  if (ctx.flow.timeoutMs > 0) {
    // The timer lives outside `main` so that cancelling `main` leaves it alone;
    // it counts from the run's start, across continue-as-new.
    const left = Date.parse(ctx.status.startedAt) + ctx.flow.timeoutMs - Date.now();
    void CancellationScope.nonCancellable(async () => {
      await sleep(Math.max(left, 1));
      timeout.timedOut = true;
      main.cancel();
    }).catch(() => undefined);
  }
  return timeout;
}

/** Runs one stage (an approval gate, or its actions) unless its `if:` skips it; true when it passed. */
async function runStage(ctx: RunContext, stage: StageSpec, ss: StageStatus): Promise<boolean> {
  if (isFinal(ss.state)) return ss.state === 'succeeded' || ss.state === 'skipped';
  if (skippedByCondition(ctx, stage.if, ss)) return ss.state === 'skipped';
  ss.state = 'running';
  ss.startedAt ??= now();
  reportStageStart(ctx, ss, stage.type === 'pause');
  if (stage.type === 'pause') {
    const passed = await runGate(ctx, stage, ss);
    reportStageEnd(ctx, ss);
    return passed;
  }
  const ok = await runActions(ctx, stage, ss);
  const cancelled = ss.actions.some((a) => a.state === 'cancelled') && !ss.actions.some((a) => a.state === 'failed');
  finish(ss, ok ? 'succeeded' : cancelled ? 'cancelled' : 'failed');
  reportStageEnd(ctx, ss);
  return ok;
}

/** Marks a stage and everything in it that has not ended as skipped. */
export function skipAll(stage: StageStatus): void {
  if (!isFinal(stage.state)) stage.state = 'skipped';
  for (const a of stage.actions) {
    if (!isFinal(a.state)) a.state = 'skipped';
    for (const j of a.jobs) if (!isFinal(j.state)) j.state = 'skipped';
  }
}
