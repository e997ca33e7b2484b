/**
 * Reads a workflow's history the way the anatomy benchmark needs it: the
 * events between one activity and the next by type, the payload bytes of the
 * activities' inputs and results, and the time between consecutive steps of
 * one activity's round trip, from the server's own event timestamps.
 */
import proto from '@temporalio/proto';

const { temporal } = proto;

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Payloads = proto.temporal.api.common.v1.IPayloads | null | undefined;

const EventType = temporal.api.enums.v1.EventType;

/** The steps of one job's round trip, in the order the server records them. */
export const STEPS = [
  'activity scheduled → started',
  'activity started → completed',
  'activity completed → workflow task scheduled',
  'workflow task scheduled → started',
  'workflow task started → completed',
  'workflow task completed → next activity scheduled',
] as const;

export interface JobRound {
  /** ms per step of STEPS. */
  readonly gaps: readonly number[];
  /** Events from this activity's scheduling up to (not including) the next one's, by type. */
  readonly events: Readonly<Record<string, number>>;
  readonly inputBytes: number;
  readonly resultBytes: number;
}

export interface HistoryAnatomy {
  readonly totalEvents: number;
  readonly startInputBytes: number;
  /** One entry per activity of the given type that has a successor. */
  readonly rounds: readonly JobRound[];
  /** Every event of the history, by type. */
  readonly byType: Readonly<Record<string, number>>;
}

const timeOf = (e: HistoryEvent): number => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` → `ActivityTaskScheduled`. */
function typeName(e: HistoryEvent): string {
  const raw = EventType[e.eventType ?? 0] ?? String(e.eventType);
  return raw.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

export function payloadBytes(p: Payloads): number {
  let bytes = 0;
  for (const payload of p?.payloads ?? []) {
    bytes += payload.data?.length ?? 0;
    for (const v of Object.values(payload.metadata ?? {})) bytes += v.length;
  }
  return bytes;
}

function countTypes(events: readonly HistoryEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[typeName(e)] = (out[typeName(e)] ?? 0) + 1;
  return out;
}

/** The anatomy of a history whose jobs are activities of `activityType`, run one after the other. */
export function anatomy(events: readonly HistoryEvent[], activityType: string): HistoryAnatomy {
  const scheduled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
  const startedOf = new Map<number, HistoryEvent>();
  const completedOf = new Map<number, HistoryEvent>();
  for (const e of events) {
    if (e.activityTaskStartedEventAttributes) startedOf.set(Number(e.activityTaskStartedEventAttributes.scheduledEventId), e);
    if (e.activityTaskCompletedEventAttributes) completedOf.set(Number(e.activityTaskCompletedEventAttributes.scheduledEventId), e);
  }
  const rounds: JobRound[] = [];
  for (let i = 0; i + 1 < scheduled.length; i++) {
    const s = scheduled[i]!;
    const next = scheduled[i + 1]!;
    const started = startedOf.get(Number(s.eventId));
    const completed = completedOf.get(Number(s.eventId));
    if (!started || !completed) continue;
    const between = events.filter((e) => Number(e.eventId) >= Number(s.eventId) && Number(e.eventId) < Number(next.eventId));
    const afterCompletion = between.filter((e) => Number(e.eventId) > Number(completed.eventId));
    const wfts = afterCompletion.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    const wftStarted = afterCompletion.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    const wftCompleted = afterCompletion.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    if (!wfts || !wftStarted || !wftCompleted) continue;
    const marks = [s, started, completed, wfts, wftStarted, wftCompleted, next].map(timeOf);
    rounds.push({
      gaps: marks.slice(1).map((t, k) => t - marks[k]!),
      events: countTypes(between),
      inputBytes: payloadBytes(s.activityTaskScheduledEventAttributes?.input),
      resultBytes: payloadBytes(completed.activityTaskCompletedEventAttributes?.result),
    });
  }
  return {
    totalEvents: events.length,
    startInputBytes: payloadBytes(events[0]?.workflowExecutionStartedEventAttributes?.input),
    rounds,
    byType: countTypes(events),
  };
}
