/**
 * The workflow types the worker registers, by name and signature, so that
 * clients (API, schedules, tests) start them without importing workflow code.
 * `workflows/index.ts` exports functions of exactly these names and types.
 */
import type { NotifyInput, NotifyResult } from './notifications.ts';
import type { RunInput } from './run-input.ts';
import type { RunStatus } from './run-status.ts';

/** One run of a flow; returns its final status tree. */
export const RUN_WORKFLOW = 'runFlow';
export type RunWorkflow = (input: RunInput) => Promise<RunStatus>;

/** What a flow's Temporal Schedule starts: claims a run number, then runs the flow as its child. */
export const SCHEDULED_RUN_WORKFLOW = 'scheduledRun';
export interface ScheduledRunInput {
  readonly flowUri: string;
}
/** Returns the run id, or a note when the flow no longer exists. */
export type ScheduledRunWorkflow = (input: ScheduledRunInput) => Promise<string>;

/** One notification of a run (`receivers:`), started by the run and left to finish on its own: see workflows/notify.ts. */
export const NOTIFY_WORKFLOW = 'notifyRun';
export type NotifyWorkflow = (input: NotifyInput) => Promise<NotifyResult>;
