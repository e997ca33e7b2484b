/**
 * Where the time of one coflow job goes: marks (ms epoch) from the client,
 * the run workflow's history (server clock, same machine) and the traced
 * Docker API calls, laid out as a timeline whose rows are medians over runs.
 */
import type { temporal } from '@temporalio/proto';
import type { DockerCall } from './docker-trace.ts';
import { median, ms } from './stats.ts';

export type Marks = Map<string, number>;

type Event = temporal.api.history.v1.IHistoryEvent;

const timeOf = (e: Event): number => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/** Marks from a run's history: workflow start, its workflow tasks, the job activity, the end. */
export function historyMarks(events: readonly Event[], marks: Marks): void {
  let task = 0;
  for (const e of events) {
    const t = timeOf(e);
    if (e.workflowExecutionStartedEventAttributes) marks.set('workflow started (history)', t);
    else if (e.workflowTaskScheduledEventAttributes) marks.set(`workflow task ${task + 1} scheduled`, t);
    else if (e.workflowTaskStartedEventAttributes) marks.set(`workflow task ${task + 1} started`, t);
    else if (e.workflowTaskCompletedEventAttributes) marks.set(`workflow task ${++task} completed`, t);
    else if (e.activityTaskScheduledEventAttributes) marks.set(`activity ${e.activityTaskScheduledEventAttributes.activityType?.name ?? ''} scheduled`, t);
    else if (e.activityTaskStartedEventAttributes) marks.set('activity started', t);
    else if (e.activityTaskCompletedEventAttributes) marks.set('activity completed', t);
    else if (e.workflowExecutionCompletedEventAttributes) marks.set('workflow completed (history)', t);
  }
}

/** Marks of the Docker calls made inside [from, to], numbered when a call repeats. */
export function dockerMarks(calls: readonly DockerCall[], from: number, to: number, marks: Marks): void {
  const seen = new Map<string, number>();
  for (const call of calls) {
    if (call.sent < from || call.sent > to) continue;
    const n = (seen.get(call.what) ?? 0) + 1;
    seen.set(call.what, n);
    const name = n === 1 ? call.what : `${call.what} #${n}`;
    marks.set(`docker ${name} sent`, call.sent);
    if (!Number.isNaN(call.answered)) marks.set(`docker ${name} answered`, call.answered);
  }
}

/**
 * One row per mark, ordered by its median offset from `origin`; each row also
 * shows the step from the row before (median of per-run differences, over
 * the runs that have both marks).
 */
export function timeline(runs: readonly Marks[], origin: string): string[] {
  const labels = new Set(runs.flatMap((m) => [...m.keys()]));
  const offsets = [...labels].map((label) => {
    const xs = runs.filter((m) => m.has(label)).map((m) => m.get(label)! - m.get(origin)!);
    return { label, offset: median(xs), runs: xs.length };
  });
  offsets.sort((a, b) => a.offset - b.offset);
  const rows = [`    ${'mark'.padEnd(44)} ${'at'.padStart(10)} ${'step'.padStart(10)}`];
  let previous: string | undefined;
  for (const { label, offset, runs: n } of offsets) {
    const prev = previous;
    const steps = prev === undefined ? [] : runs.filter((m) => m.has(label) && m.has(prev)).map((m) => m.get(label)! - m.get(prev)!);
    const step = steps.length === 0 ? '' : ms(median(steps));
    const partial = n < runs.length ? ` (in ${n} of ${runs.length} runs)` : '';
    rows.push(`    ${label.padEnd(44)} ${ms(offset).padStart(10)} ${step.padStart(10)}${partial}`);
    previous = label;
  }
  return rows;
}
