/**
 * Log lines: what a runner delivers, what the store keeps, what the API pages
 * and streams. Every line of a job attempt is numbered (`seq`, from 1) in the
 * order the runner delivered it; the store's `cursor` orders a run's lines.
 */

export const LOG_STREAMS = ['stdout', 'stderr'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/** A line as a runner delivers it and the store receives it. */
export interface LogLine {
  /** Milliseconds since the epoch, as the container runtime stamped the line. */
  readonly ts: number;
  readonly stream: LogStream;
  /** Without the trailing newline. */
  readonly text: string;
}

/** A stored line. */
export interface StoredLogLine extends LogLine {
  /** The line's place in the run's log: `after` and SSE `Last-Event-ID` resume after it. */
  readonly cursor: number;
  /** Position of the line in its attempt's log, from 1; stable across re-reads. */
  readonly seq: number;
  readonly jobPath: string;
  /** The attempt (from 1); 0 holds the job's `pre` hook lines. */
  readonly attempt: number;
}

export interface LogQuery {
  readonly runId: string;
  readonly jobPath?: string;
  /** Return lines stored after this cursor. */
  readonly after?: number;
  /** At most this many lines (1 to 10,000; default 1,000). */
  readonly limit?: number;
}

export interface LogPage {
  readonly lines: readonly StoredLogLine[];
  /** Cursor to pass as `after` for the next page. */
  readonly next: number;
}

/** The attempt number under which a job's `pre` hook lines are stored. */
export const PRE_HOOK_ATTEMPT = 0;
