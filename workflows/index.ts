/** The workflow bundle entry point: every workflow type the worker registers. */
export { runFlow, statusQuery } from './run.ts';
export { scheduledRun } from './scheduled-run.ts';
