/**
 * One run as the runs list shows it (`GET /api/v1/runs`, its SSE stream, the
 * CLI's `runs`, the web UI's list): read from Temporal visibility, so only
 * what the run's search attributes and the execution carry.
 */
export interface RunSummary {
  readonly runId: string;
  readonly flowUri: string;
  readonly number: number;
  /** The workflow's own word while open (running, waiting, paused); the end state after. */
  readonly status: string;
  readonly trigger: string | null;
  readonly branch: string | null;
  readonly actor: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
}
