/**
 * What a flow's Temporal Schedule starts: a small workflow that claims the
 * run's number (keyed by its own workflow id, so a retried activity claims
 * the same one) and runs the flow as its child with the usual run id. It
 * waits for the run, so the schedule's overlap policy (from the flow's
 * `concurrency`) applies to real runs: skip, buffer one, or cancel the
 * previous one (the cancellation reaches the child run).
 */
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ScheduleActivities } from '../activities/scheduled-run.ts';
import { startingSearchAttributes } from '../contracts/search-attributes.ts';
import { RUN_WORKFLOW, type RunWorkflow, type ScheduledRunInput, type ScheduledRunWorkflow } from '../contracts/workflows.ts';

const { prepareScheduledRun } = proxyActivities<ScheduleActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
});

/** Returns the run id, or a note when the flow no longer exists. */
export const scheduledRun: ScheduledRunWorkflow = async (input: ScheduledRunInput): Promise<string> => {
  const { workflowId } = workflowInfo();
  const run = await prepareScheduledRun({ flowUri: input.flowUri, key: `schedule:${workflowId}`, scheduledAt: new Date().toISOString() });
  if (run === null) return `flow ${input.flowUri} not found`;
  await executeChild<RunWorkflow>(RUN_WORKFLOW, {
    workflowId: run.runId,
    args: [run],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: startingSearchAttributes({ flowUri: input.flowUri, number: run.number, trigger: run.trigger ?? { kind: 'schedule' } }),
  });
  return run.runId;
};
