/**
 * Activities of the run's shared workspace beyond one job attempt: the copy a
 * re-run starts with, and the removal when the run's retention ends. The
 * volumes are the runner's (Docker volumes, PersistentVolumeClaims).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { FAILURE_TYPES } from '../contracts/job-attempt.ts';
import type { JobRunner, WorkspaceVolumes } from './runner.ts';
import { workspaceLabels, workspaceVolume } from './workspace-name.ts';

export interface WorkspaceActivityDeps {
  readonly runner: JobRunner;
  /** How long a run's workspace is kept after the run ends (ms). */
  readonly retentionMs: number;
}

export interface CopyWorkspaceInput {
  readonly fromRunId: string;
  readonly toRunId: string;
  /** A job image of the flow, for the runner's helper container or Pod. */
  readonly image: string;
}

export function createWorkspaceActivities(deps: WorkspaceActivityDeps) {
  const { runner, retentionMs } = deps;

  function volumes(): WorkspaceVolumes {
    if (runner.workspaces === undefined) {
      throw ApplicationFailure.nonRetryable(`the ${runner.kind} runner has no workspace volumes`, FAILURE_TYPES.runnerRejected);
    }
    return runner.workspaces;
  }

  /** Fills the re-run's workspace with the original's; false when the original's is gone. */
  async function copyWorkspace(input: CopyWorkspaceInput): Promise<{ copied: boolean }> {
    const to = workspaceVolume(input.toRunId);
    const copied = await volumes().copy(workspaceVolume(input.fromRunId), to, { image: input.image, labels: workspaceLabels(input.toRunId) });
    return { copied };
  }

  /** Removes a run's workspace (nothing to do when it is gone). */
  async function removeWorkspace(input: { readonly runId: string }): Promise<void> {
    await volumes().remove(workspaceVolume(input.runId));
  }

  /** The worker's retention, read by the retention workflow before it sleeps. */
  function workspaceRetentionMs(): Promise<number> {
    return Promise.resolve(retentionMs);
  }

  return { copyWorkspace, removeWorkspace, workspaceRetentionMs };
}

export type WorkspaceActivities = ReturnType<typeof createWorkspaceActivities>;
