/**
 * The name of a run's workspace volume (Docker volume, PersistentVolumeClaim):
 * `coflow-ws-` and a hash of the run id, valid as both, and the same for every
 * attempt, retry and re-attached activity of the run.
 */
import { createHash } from 'node:crypto';

export function workspaceVolume(runId: string): string {
  return `coflow-ws-${createHash('sha256').update(runId).digest('hex').slice(0, 24)}`;
}

/** Labels of a run's workspace volume. */
export function workspaceLabels(runId: string): Record<string, string> {
  return { 'coflow.run': runId, 'coflow.workspace': workspaceVolume(runId) };
}
