/**
 * Runs from Temporal visibility: the query built from the API's filters, one
 * page at a time (the cursor is Temporal's page token), decoded to summaries.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { RUN_END_STATES } from '../contracts/run-status.ts';
import type { RunSummary } from '../contracts/run-summary.ts';
import { RUN_SEARCH_ATTRIBUTES as A } from '../contracts/search-attributes.ts';
import { cursorBytes, encodeCursor } from './cursor.ts';

/** The states an open run shows (the workflow keeps `CoflowStatus` in step with them). */
export const RUN_OPEN_STATES = ['running', 'waiting', 'paused'] as const;
/** The states runs can be listed and counted by: open (running, waiting at a gate, paused), or ended in a final state. */
export const RUN_FILTER_STATES = [...RUN_OPEN_STATES, ...RUN_END_STATES] as const;
export type RunFilterState = (typeof RUN_FILTER_STATES)[number];

export interface RunFilter {
  readonly flow?: string;
  readonly status?: RunFilterState;
  readonly trigger?: string;
  readonly branch?: string;
  /** ISO 8601: started at or after. */
  readonly since?: string;
  /** ISO 8601: started before. */
  readonly until?: string;
}


/** A visibility string literal; values are validated upstream, quotes are escaped anyway. */
const lit = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The visibility query for a filter. Continued-as-new executions are the same run: only the open/last one counts. */
export function runQuery(f: RunFilter): string {
  const parts = ["WorkflowType = 'runFlow'", "ExecutionStatus != 'ContinuedAsNew'"];
  if (f.flow !== undefined) parts.push(`${A.flow.name} = ${lit(f.flow)}`);
  // Open states: the run must still be open too (one Temporal ended abnormally keeps its last word).
  if (f.status !== undefined && (RUN_OPEN_STATES as readonly string[]).includes(f.status)) parts.push("ExecutionStatus = 'Running'");
  if (f.status !== undefined) parts.push(`${A.status.name} = ${lit(f.status)}`);
  if (f.trigger !== undefined) parts.push(`${A.trigger.name} = ${lit(f.trigger)}`);
  if (f.branch !== undefined) parts.push(`${A.branch.name} = ${lit(f.branch)}`);
  if (f.since !== undefined) parts.push(`StartTime >= ${lit(new Date(f.since).toISOString())}`);
  if (f.until !== undefined) parts.push(`StartTime < ${lit(new Date(f.until).toISOString())}`);
  return parts.join(' AND ');
}

/** A protobuf Timestamp (seconds may be a Long) as milliseconds since the epoch. */
function timestampMs(ts: { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined): number | undefined {
  if (ts === null || ts === undefined) return undefined;
  const seconds = typeof ts.seconds === 'object' && ts.seconds !== null ? ts.seconds.toNumber() : (ts.seconds ?? 0);
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** temporal.api.enums.v1.WorkflowExecutionStatus, by number. */
const EXECUTION_STATUS = ['unspecified', 'running', 'completed', 'failed', 'canceled', 'terminated', 'continued_as_new', 'timed_out'];

/** One page of runs, newest first. */
export async function listRuns(temporal: Client, namespace: string, filter: RunFilter, limit: number, cursor?: string): Promise<{ runs: RunSummary[]; next: string | null }> {
  const res = await temporal.workflowService.listWorkflowExecutions({
    namespace,
    query: runQuery(filter),
    pageSize: limit,
    nextPageToken: cursor === undefined ? Buffer.alloc(0) : cursorBytes(cursor),
  });
  const runs = res.executions.map((raw): RunSummary => {
    const fields = raw.searchAttributes?.indexedFields ?? {};
    const attr = (name: string): unknown => {
      const p = fields[name];
      return p ? defaultPayloadConverter.fromPayload(p) : undefined;
    };
    const str = (name: string): string | null => {
      const v = attr(name);
      return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
    };
    const workflowId = raw.execution?.workflowId ?? '';
    const execution = EXECUTION_STATUS[raw.status ?? 0] ?? 'unspecified';
    const coflowStatus = str(A.status.name);
    // Open: the workflow's own word (running, paused, waiting). Ended: the final state it
    // upserted, unless Temporal ended it (terminated, timed out) before it could.
    const ended = coflowStatus !== null && (RUN_END_STATES as readonly string[]).includes(coflowStatus);
    const status = execution === 'running' ? (coflowStatus ?? 'running') : ended ? coflowStatus : execution;
    const hash = workflowId.lastIndexOf('#');
    const numberAttr = attr(A.number.name);
    const start = timestampMs(raw.startTime);
    const close = timestampMs(raw.closeTime);
    return {
      runId: workflowId,
      flowUri: str(A.flow.name) ?? workflowId.slice(0, hash),
      number: typeof numberAttr === 'number' ? numberAttr : Number(workflowId.slice(hash + 1)),
      status,
      trigger: str(A.trigger.name),
      branch: str(A.branch.name),
      actor: str(A.actor.name),
      startedAt: new Date(start ?? 0).toISOString(),
      endedAt: close === undefined || execution === 'running' ? null : new Date(close).toISOString(),
    };
  });
  const token = res.nextPageToken;
  return { runs, next: token && token.length > 0 ? encodeCursor(token) : null };
}

/** Counts runs in one state (metrics). */
export async function countRuns(temporal: Client, state: RunFilterState): Promise<number> {
  const { count } = await temporal.workflow.count(runQuery({ status: state }));
  return count;
}
