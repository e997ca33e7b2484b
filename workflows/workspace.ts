/**
 * The run's shared workspace, as the run workflow sees it: a re-run starts
 * with a copy of the original's workspace, or runs again the jobs that wrote
 * it when it is gone; a run that used a workspace hands its removal to a
 * retention workflow of its own (workspace-retention.ts) as it ends.
 */
import {
  ActivityFailure,
  CancellationScope,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
} from '@temporalio/workflow';
import type { WorkspaceActivities } from '../activities/workspace.ts';
import { jobsOf } from '../contracts/run-status.ts';
import { WORKSPACE_RETENTION_WORKFLOW, workspaceJobs, workspaceRetentionId, type WorkspaceRetentionWorkflow } from '../contracts/workspace.ts';
import type { RunContext } from './run-context.ts';

/** Workspace histories before this patch replay unchanged (they ignored `workspace:`). */
const PATCH = 'coflow-workspace';

const { copyWorkspace } = proxyActivities<WorkspaceActivities>({
  startToCloseTimeout: '30m',
  retry: { initialInterval: '1s', maximumInterval: '30s', backoffCoefficient: 2, maximumAttempts: 10 },
});

/**
 * A re-run of a run that used the workspace: copy the original's into this
 * run's before any job runs; when it is gone, the reused jobs that mount it
 * run again, and the status says so.
 */
export async function prepareRerunWorkspace(ctx: RunContext): Promise<void> {
  const { input, status } = ctx;
  const writers = workspaceJobs(ctx.flow);
  if (input.rerunOf === undefined || input.carried !== undefined || writers.length === 0 || !patched(PATCH)) return;
  let why = 'is gone (its retention ended)';
  try {
    const { copied } = await copyWorkspace({ fromRunId: input.rerunOf, toRunId: input.runId, image: writers.find((j) => j.image !== undefined)?.image ?? '' });
    if (copied) {
      status.workspace = { copiedFrom: input.rerunOf };
      return;
    }
  } catch (err) {
    // Cancelled meanwhile: the stages see it, skip every job and run the `end` stages.
    if (isCancellation(err)) return;
    // The runner could not copy it after its retries: rebuild it rather than fail the re-run.
    why = `could not be copied (${err instanceof ActivityFailure && err.cause ? err.cause.message : String(err)})`;
  }
  const paths = new Set(writers.map((j) => j.path));
  const rebuilt: string[] = [];
  for (const js of jobsOf(status)) {
    if (js.reusedFrom === undefined || !paths.has(js.path)) continue;
    js.state = 'pending';
    js.outputs = {};
    delete js.reusedFrom;
    ctx.outputs.delete(js.path);
    rebuilt.push(js.path);
  }
  if (rebuilt.length > 0) {
    status.workspace = {
      rebuiltBy: rebuilt,
      note: `the workspace of ${input.rerunOf} ${why}: ${rebuilt.join(', ')} run again to rebuild it`,
    };
  }
}

/** As the run ends: when a job of it mounted the workspace, start its retention workflow (it outlives the run). */
export async function scheduleWorkspaceRemoval(ctx: RunContext): Promise<void> {
  const paths = new Set(workspaceJobs(ctx.flow).map((j) => j.path));
  const used = ctx.status.workspace?.copiedFrom !== undefined || jobsOf(ctx.status).some((js) => paths.has(js.path) && js.attempts.length > 0);
  if (!used || !patched(PATCH)) return;
  const runId = ctx.input.runId;
  // A cancelled run still hands its workspace over.
  await CancellationScope.nonCancellable(async () => {
    try {
      await startChild<WorkspaceRetentionWorkflow>(WORKSPACE_RETENTION_WORKFLOW, {
        workflowId: workspaceRetentionId(runId),
        args: [{ runId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      // Started already (an earlier execution of this run): it keeps its schedule.
      // (@temporalio/common's WorkflowExecutionAlreadyStartedError; the workflow sandbox imports only @temporalio/workflow.)
      if (!(err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError')) throw err;
    }
  });
}
