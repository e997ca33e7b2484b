/** Placeholder (being built): one job's log, per attempt, live while it runs. */
export interface LogViewerProps {
  readonly runId: string;
  readonly jobPath: string;
  /** Number of attempts the job has had so far (the viewer offers each). */
  readonly attempts: number;
  /** True while the job may still write lines (follow live). */
  readonly live: boolean;
}

export function LogViewer({ runId, jobPath }: LogViewerProps) {
  return <div class="log-viewer" data-run={runId} data-job={jobPath}>The log viewer is being built.</div>;
}
