/**
 * A run's workspace retention: started by the run as it ends (and abandoned by
 * it), it sleeps the worker's retention on a durable timer, then removes the
 * volume through the runner that created it. Worker restarts change nothing.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { WorkspaceActivities } from '../activities/workspace.ts';
import type { WorkspaceRetentionInput } from '../contracts/workspace.ts';

const { workspaceRetentionMs, removeWorkspace } = proxyActivities<WorkspaceActivities>({
  startToCloseTimeout: '5m',
  // A volume still in use (a leftover container) is retried for a long while, never given up on silently.
  retry: { initialInterval: '5s', maximumInterval: '10m', backoffCoefficient: 2 },
});

export async function workspaceRetention(input: WorkspaceRetentionInput): Promise<void> {
  await sleep(Math.max(1, await workspaceRetentionMs()));
  await removeWorkspace({ runId: input.runId });
}
