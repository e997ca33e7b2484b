/**
 * The run workflow: one Temporal workflow per run, interpreting the pinned
 * flow deterministically. It is the one writer of run state (the status
 * tree); its parts share it through the RunContext: stages.ts, action.ts,
 * job.ts (attempts.ts, repeat.ts, continue-as-new.ts), gate.ts, pause.ts, outcome.ts,
 * notify.ts (notifications to the flow's receivers), report-hooks.ts (commit statuses).
 */
import { patched, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { RunInput } from '../contracts/run-input.ts';
import { jobsOf, type RunStatus } from '../contracts/run-status.ts';
import { END_EVENTS } from '../contracts/notifications.ts';
import { RUN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.ts';
import { statusQuery } from '../contracts/signals.ts';
import { takeTurn } from './concurrency.ts';
import { handleCanaryDecisions } from './deploy-canary.ts';
import { handleDecisions } from './gate.ts';
import { endRun, endWithoutTurn } from './outcome.ts';
import { handlePauseSignals } from './pause.ts';
import { now, type RunContext } from './run-context.ts';
import { notify } from './notify.ts';
import { reportEnd, startReporting } from './report-hooks.ts';
import { runStages } from './stages.ts';
import { startingStatus } from './status.ts';
import { prepareRerunWorkspace, scheduleWorkspaceRemoval } from './workspace.ts';

/** The context of this execution: carried outputs, or those of the jobs a re-run reuses. */
function runContext(input: RunInput, status: RunStatus): RunContext {
  const ctx: RunContext = { input, flow: input.flow, status, outputs: new Map(Object.entries(input.carried?.outputs ?? {})), inFlight: 0, notices: [] };
  if (!input.carried) {
    for (const js of jobsOf(status)) {
      if (js.reusedFrom !== undefined) ctx.outputs.set(js.path, js.outputs);
    }
  }
  return ctx;
}

/** Upserts the carried run's state (a continued execution of a waiting or paused run). */
function refreshIndexedState(ctx: RunContext): void {
  upsertSearchAttributes([{ key: RUN_SEARCH_ATTRIBUTES.status, value: ctx.status.state }]);
  ctx.indexedState = ctx.status.state;
}

/** Runs a flow to the end and returns the final status tree. */
export async function runFlow(input: RunInput): Promise<RunStatus> {
  const { flow } = input;
  const status = startingStatus(input, now());
  // Search attributes the API filters runs by, whoever started the run (patched: older histories replay unchanged).
  const indexed = patched('coflow-search-attributes');
  if (indexed && !input.carried) {
    upsertSearchAttributes([
      { key: RUN_SEARCH_ATTRIBUTES.flow, value: flow.uri },
      { key: RUN_SEARCH_ATTRIBUTES.number, value: input.number },
      { key: RUN_SEARCH_ATTRIBUTES.status, value: 'running' },
    ]);
  }
  const ctx = runContext(input, status);
  // CoflowStatus follows the open run's state (waiting, paused, running): refreshRunState upserts it.
  if (indexed && patched('coflow-status-attribute')) {
    ctx.indexedState = 'running';
    // A continued execution inherits the attribute; say the carried state again in case the last one could not.
    if (input.carried && status.state !== 'running') refreshIndexedState(ctx);
  }
  setHandler(statusQuery, () => status);
  handlePauseSignals(ctx);
  handleDecisions(ctx);
  handleCanaryDecisions(ctx);
  startReporting(ctx);

  // The flow's concurrency limit: wait for the turn, or end at once when rejected or cancelled in the queue.
  const turn = await takeTurn(ctx);
  if (turn !== 'go') endWithoutTurn(ctx, turn);
  else {
    await prepareRerunWorkspace(ctx);
    if (!input.carried) notify(ctx, 'start');
    endRun(ctx, await runStages(ctx));
    await scheduleWorkspaceRemoval(ctx);
  }
  if (indexed) upsertSearchAttributes([{ key: RUN_SEARCH_ATTRIBUTES.status, value: status.state }]);
  reportEnd(ctx);
  notify(ctx, END_EVENTS[status.state as keyof typeof END_EVENTS]);
  // The notifications' starts, not their deliveries: a receiver that is down never holds the run.
  await Promise.all(ctx.notices);
  return status;
}
