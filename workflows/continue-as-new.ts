/**
 * Keeping a long run's history bounded: the run continues as a new Temporal
 * execution that carries its status tree and job outputs (RunInput.carried),
 * so it keeps its id, number and tree.
 */
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { RunInput } from '../contracts/run-input.ts';
import type { RunContext } from './run-context.ts';

const DEFAULT_HISTORY_LIMIT = 10_000;

/**
 * Continues the run as a new execution, carrying its tree, when the history
 * grew past the limit — only when no activity is in flight, so nothing
 * running is abandoned. The run keeps its id, number and status.
 */
export async function maybeContinueAsNew(ctx: RunContext): Promise<void> {
  const info = workflowInfo();
  const limit = ctx.input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  if (ctx.inFlight > 0 || !(info.continueAsNewSuggested || info.historyLength >= limit)) return;
  ctx.status.continuedAsNew++;
  const next: RunInput = { ...ctx.input, carried: { status: ctx.status, outputs: Object.fromEntries(ctx.outputs) } };
  await continueAsNew<(input: RunInput) => Promise<unknown>>(next);
}
