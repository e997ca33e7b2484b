/**
 * The run's shared workspace (SPEC §2): where it is mounted, which jobs use
 * it, and the workflow that removes it when the run's retention ends.
 * Volume names are derived from run ids by the activities (a hash), never here.
 */
import type { FlowSpec, JobSpec } from '../flow/model.ts';

/** Where `workspace: true` mounts the run's volume, and the value of `CO_WORKSPACE`. */
export const WORKSPACE_PATH = '/workspace';

/** Default retention of a run's workspace after the run ends (`COFLOW_WORKSPACE_RETENTION`). */
export const DEFAULT_WORKSPACE_RETENTION_MS = 24 * 3600_000;

/**
 * The jobs of a flow that use the workspace, in flow order: container jobs that
 * mount it, and deploy jobs (a `file:` manifest is read from it by a helper).
 * Service jobs never do. Deploy jobs have no image of their own.
 */
export function workspaceJobs(flow: FlowSpec): JobSpec[] {
  return flow.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs)).filter((j) => j.workspace && j.kind !== 'service');
}

/** Started by a run that used a workspace, as it ends: sleeps the retention, then removes the volume. */
export const WORKSPACE_RETENTION_WORKFLOW = 'workspaceRetention';
export interface WorkspaceRetentionInput {
  readonly runId: string;
}
export type WorkspaceRetentionWorkflow = (input: WorkspaceRetentionInput) => Promise<void>;

/** The id of a run's retention workflow: one per run, whoever starts it. */
export function workspaceRetentionId(runId: string): string {
  return `workspace-retention/${runId}`;
}
