/**
 * Starts a run's workflow. The workflow id is the run id (`<uri>#<number>`);
 * a redelivered event resolves to the same number (the store's delivery
 * claim), and Temporal's workflow-id rules make every start of that id after
 * the first a no-op: USE_EXISTING while it runs, REJECT_DUPLICATE once it
 * closed. However many API servers receive the same delivery at once, one
 * workflow starts.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { prepareRun, type RunRequest } from '../store/run-input.ts';
import type { runFlow } from '../workflows/run.ts';
import { startingSearchAttributes } from '../workflows/search-attributes.ts';
import type { ApiDeps } from './context.ts';
import { notFound } from './errors.ts';

export interface StartedRun {
  readonly runId: string;
  readonly number: number;
  readonly flowUri: string;
  readonly flowVersion: number;
  /** True when this request repeated an earlier delivery: nothing new started. */
  readonly duplicate: boolean;
}

/** Starts (or finds, for a redelivery) the run a request asks for; 404 when the flow does not exist. */
export async function startRun(deps: ApiDeps, request: RunRequest): Promise<StartedRun> {
  const prepared = prepareRun(deps.store, deps.catalog, request);
  if (!prepared) throw notFound(`flow ${request.uri}`);
  const { input, fresh } = prepared;
  let duplicate = !fresh;
  try {
    await deps.temporal.workflow.start<typeof runFlow>('runFlow', {
      taskQueue: deps.taskQueue,
      workflowId: input.runId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: startingSearchAttributes({ flowUri: request.uri, number: input.number, trigger: request.trigger }),
    });
  } catch (err) {
    // Closed already: the delivery's run happened; this is a redelivery.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    duplicate = true;
  }
  if (!duplicate) deps.metrics.runsStarted.inc({ trigger: request.trigger.kind });
  return { runId: input.runId, number: input.number, flowUri: request.uri, flowVersion: input.flowVersion, duplicate };
}
