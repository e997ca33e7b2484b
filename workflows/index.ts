/** The workflow bundle entry point: every workflow type the worker registers. */
import type { RUN_WORKFLOW, SCHEDULED_RUN_WORKFLOW, RunWorkflow, ScheduledRunWorkflow } from '../contracts/workflows.ts';
import { runFlow } from './run.ts';
import { scheduledRun } from './scheduled-run.ts';

/** Checks at compile time that the exports have the names and signatures clients start them by. */
type Registered = { readonly [RUN_WORKFLOW]: RunWorkflow; readonly [SCHEDULED_RUN_WORKFLOW]: ScheduledRunWorkflow };
const _registered: Registered = { runFlow, scheduledRun };

export { runFlow, scheduledRun };
