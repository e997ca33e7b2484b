/**
 * Reading a run from Temporal: its execution state, its status tree (live
 * from the workflow while it runs, its result once it ended), and the input
 * it started with (decoded with the client's own data converter and codecs).
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { REPORT_WARNINGS_MEMO, reportWorkflowId } from '../contracts/forge-report.ts';
import type { RunInput } from '../contracts/run-input.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { statusQuery } from '../contracts/signals.ts';
import { RunEndedAbnormallyError, RunNotFoundError } from './errors.ts';

/** Temporal's name of an execution's state: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, … */
export type ExecutionState = string;

/** The run's handle and Temporal execution state; RunNotFoundError for an unknown run. */
export async function describeRun(temporal: Client, runId: string): Promise<{ handle: WorkflowHandle; state: ExecutionState }> {
  const handle = temporal.workflow.getHandle(runId);
  try {
    return { handle, state: (await handle.describe()).status.name };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new RunNotFoundError(runId);
    throw err;
  }
}

/** The status tree of a run: live from the workflow while it runs, its result once it ended. */
export async function runStatus(temporal: Client, runId: string): Promise<RunStatus> {
  const { handle, state } = await describeRun(temporal, runId);
  if (state === 'COMPLETED') return withReportWarnings(temporal, (await handle.result()) as RunStatus);
  if (state === 'RUNNING') return handle.query(statusQuery);
  // Terminated, timed out or failed by Temporal itself: no tree was returned.
  throw new RunEndedAbnormallyError(runId, state.toLowerCase());
}

/**
 * A forge may refuse a commit status after the run ended (its final state): the
 * run can no longer record it, so its reporting workflow keeps it in its memo
 * (workflows/report.ts) and it is added here. Runs without reporting: one lookup, nothing found.
 */
async function withReportWarnings(temporal: Client, status: RunStatus): Promise<RunStatus> {
  const memo = await temporal.workflow
    .getHandle(reportWorkflowId(status.runId))
    .describe()
    .then((d) => d.memo?.[REPORT_WARNINGS_MEMO], () => undefined);
  const late = Array.isArray(memo) ? memo.filter((w): w is string => typeof w === 'string' && !(status.warnings ?? []).includes(w)) : [];
  return late.length === 0 ? status : { ...status, warnings: [...(status.warnings ?? []), ...late] };
}

/** The input the run's latest execution started with (the pinned flow, the trigger, who started it). */
export async function runInputOf(temporal: Client, runId: string): Promise<RunInput> {
  const history = await temporal.workflow.getHandle(runId).fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  const [input] = await decodePayloads(temporal, payloads);
  if (input === undefined) throw new Error(`run ${runId} has no input in its history`);
  return input as RunInput;
}

/** Payloads as the client's data converter reads them: codecs undone in reverse order, then converted. */
async function decodePayloads(temporal: Client, payloads: Payload[]): Promise<unknown[]> {
  const { payloadCodecs, payloadConverter } = temporal.options.loadedDataConverter;
  let decoded = payloads;
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded.map((p) => payloadConverter.fromPayload(p));
}
