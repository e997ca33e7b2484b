/**
 * The gaps between consecutive jobs of a run, read from its Temporal history:
 * job i's activity completed → job i+1's activity started (the event times
 * the server recorded), for a coflow run (`runJobAttempt`) and for the bare
 * workflow (`noop`) alike. Summaries split a batch of runs by the runs' start
 * order and by time, to show whether gaps grow as the batch goes on.
 */
import type { WorkflowClient } from '@temporalio/client';
import { percentile, median } from './stats.ts';

export interface Gap {
  /** When the earlier activity completed (ms since the epoch, server time). */
  readonly at: number;
  readonly ms: number;
  /** The workflow task that scheduled the next activity: waiting in its queue (scheduled → started). */
  readonly wtWait: number;
  /** … and running in the worker (started → completed). */
  readonly wtRun: number;
  /** The next activity waiting in its queue (scheduled → started). */
  readonly actWait: number;
  /** The earlier activity running (started → completed): not part of the gap, shown beside it. */
  readonly actRun: number;
}

export interface RunGaps {
  readonly workflowId: string;
  /** When the workflow started (ms since the epoch, server time). */
  readonly startedAt: number;
  readonly gaps: readonly Gap[];
  /** Workflow tasks that timed out or failed (a worker too slow to answer in time, or a bug). */
  readonly taskTimeouts: number;
  /** Activity attempts beyond the first (retries after a timeout or failure). */
  readonly activityRetries: number;
}

type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;
const toMs = (t: Timestamp): number => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN);

/** The gaps of one workflow between its `activityType` activities, in the order they were scheduled. */
export async function runGaps(client: WorkflowClient, workflowId: string, activityType: string): Promise<RunGaps> {
  const history = await client.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const times = new Map(events.map((e) => [String(e.eventId), toMs(e.eventTime)]));
  const scheduled = new Map<string, { scheduled: number; started?: number; completed?: number; task: { scheduled: number; started: number; completed: number } }>();
  const order: string[] = [];
  let task = { scheduled: NaN, started: NaN, completed: NaN };
  let taskTimeouts = 0;
  let activityRetries = 0;
  for (const e of events) {
    if (e.workflowTaskTimedOutEventAttributes || e.workflowTaskFailedEventAttributes) taskTimeouts++;
    activityRetries += Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
    const id = String(e.eventId);
    const wt = e.workflowTaskCompletedEventAttributes;
    if (wt) task = { scheduled: times.get(String(wt.scheduledEventId))!, started: times.get(String(wt.startedEventId))!, completed: toMs(e.eventTime) };
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === activityType) {
      scheduled.set(id, { scheduled: toMs(e.eventTime), task });
      order.push(id);
    }
    const started = e.activityTaskStartedEventAttributes?.scheduledEventId;
    if (started != null) { const a = scheduled.get(String(started)); if (a) a.started = toMs(e.eventTime); }
    const completed = e.activityTaskCompletedEventAttributes?.scheduledEventId;
    if (completed != null) { const a = scheduled.get(String(completed)); if (a) a.completed = toMs(e.eventTime); }
  }
  const acts = order.map((id) => scheduled.get(id)!);
  if (acts.some((a) => a.started === undefined || a.completed === undefined)) throw new Error(`${workflowId}: a ${activityType} activity did not complete`);
  const gaps = acts.slice(1).map((next, i) => ({
    at: acts[i]!.completed!, ms: next.started! - acts[i]!.completed!,
    wtWait: next.task.started - next.task.scheduled, wtRun: next.task.completed - next.task.started, actWait: next.started! - next.scheduled,
    actRun: acts[i]!.completed! - acts[i]!.started!,
  }));
  return { workflowId, startedAt: toMs(events[0]?.eventTime), gaps, taskTimeouts, activityRetries };
}

export interface GapSummary {
  readonly median: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
  /** Medians of the parts: workflow task queued, workflow task running, activity queued. */
  readonly parts: { readonly wtWait: number; readonly wtRun: number; readonly actWait: number; readonly actRun: number };
}

export function summarise(gaps: readonly Gap[]): GapSummary {
  const xs = gaps.map((g) => g.ms);
  const part = (k: 'wtWait' | 'wtRun' | 'actWait' | 'actRun'): number => median(gaps.map((g) => g[k]));
  return { median: median(xs), p99: percentile(xs, 99), max: Math.max(...xs), count: xs.length, parts: { wtWait: part('wtWait'), wtRun: part('wtRun'), actWait: part('actWait'), actRun: part('actRun') } };
}

/** The first and last tenth of the runs by start time, and of all gaps by when they opened. */
export function deciles(runs: readonly RunGaps[]): { firstRuns: GapSummary; lastRuns: GapSummary; firstTime: GapSummary; lastTime: GapSummary; all: GapSummary } {
  const byStart = [...runs].sort((a, b) => a.startedAt - b.startedAt);
  const tenth = Math.max(1, Math.floor(byStart.length / 10));
  const all = runs.flatMap((r) => r.gaps).sort((a, b) => a.at - b.at);
  const gapTenth = Math.max(1, Math.floor(all.length / 10));
  return {
    firstRuns: summarise(byStart.slice(0, tenth).flatMap((r) => r.gaps)),
    lastRuns: summarise(byStart.slice(-tenth).flatMap((r) => r.gaps)),
    firstTime: summarise(all.slice(0, gapTenth)),
    lastTime: summarise(all.slice(-gapTenth)),
    all: summarise(all),
  };
}
