/**
 * What the platform keeps outside Temporal: flow versions, run numbers and
 * job logs. One interface, chosen once at start-up (embedded SQLite now,
 * PostgreSQL for several servers later).
 */
import type { FlowSpec } from '../flow/model.ts';
import type { LogStream } from '../activities/runner.ts';

export interface StoredFlow {
  readonly uri: string;
  readonly version: number;
  /** The YAML as applied. */
  readonly source: string;
  readonly spec: FlowSpec;
  readonly createdAt: string;
}

export interface StoredLogLine {
  /** The line's place in the run's log (a global row id): `after` and SSE `Last-Event-ID` resume after it. */
  readonly cursor: number;
  /** Position of the line in its attempt's log, from 1; stable across re-reads. */
  readonly seq: number;
  readonly jobPath: string;
  readonly attempt: number;
  readonly ts: number;
  readonly stream: LogStream;
  readonly text: string;
}

export interface NewLogLine {
  readonly ts: number;
  readonly stream: LogStream;
  readonly text: string;
}

export interface LogQuery {
  readonly runId: string;
  readonly jobPath?: string;
  /** Return lines stored after this cursor (a global row id). */
  readonly after?: number;
  readonly limit?: number;
}

export interface LogPage {
  readonly lines: readonly StoredLogLine[];
  /** Cursor to pass as `after` for the next page. */
  readonly next: number;
}

export interface FlowStore {
  /** Stores a new version when the source differs from the latest; returns the latest version either way. */
  applyFlow(spec: FlowSpec, source: string): { flow: StoredFlow; created: boolean };
  getFlow(uri: string, version?: number): StoredFlow | undefined;
  listFlows(): StoredFlow[];
  /** Every version of a flow, oldest first (empty when the flow does not exist). */
  flowVersions(uri: string): { version: number; createdAt: string }[];
  /** Allocates the next run number of a flow (1, 2, …). */
  nextRunNumber(uri: string): number;
  /**
   * The run number of one delivery (a webhook delivery id, a schedule's action id):
   * allocated on the first claim, the same number on every later claim of that key.
   * A redelivery neither burns nor duplicates a number.
   */
  claimRunNumber(uri: string, key: string): { number: number; fresh: boolean };
}

export interface LogStore {
  /** Appends lines of one attempt; `fromSeq` is the seq of the first line. Lines already stored at those seqs are ignored. */
  appendLogs(runId: string, jobPath: string, attempt: number, fromSeq: number, lines: readonly NewLogLine[]): void;
  /** Number of lines stored for one attempt (the next seq is this + 1). */
  countLogs(runId: string, jobPath: string, attempt: number): number;
  readLogs(query: LogQuery): LogPage;
}

export interface Store extends FlowStore, LogStore {
  /** Throws when the store cannot be read (readiness). */
  ping(): void;
  close(): void;
}
