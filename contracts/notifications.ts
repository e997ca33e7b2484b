/**
 * Notifications (`receivers:`): what the run workflow tells the notification
 * workflow (workflows/notify.ts), and what one delivery to one receiver is.
 * Pure: imported by workflow code and the sending activity.
 */
import type { ReceiverEvent, ReceiverSpec } from '../flow/model.ts';
import type { RunState } from './run-status.ts';

/** What happened to a run: every receiver event but `finish`, which stands for the three ends. */
export type RunEvent = Exclude<ReceiverEvent, 'finish'>;

/** The run's end as a receiver event. */
export const END_EVENTS: Readonly<Record<'succeeded' | 'failed' | 'cancelled', RunEvent>> = { succeeded: 'success', failed: 'failure', cancelled: 'cancel' };

/** What a notification says: one event of one run. */
export interface RunNotice {
  readonly event: RunEvent;
  readonly runId: string;
  readonly flowUri: string;
  readonly number: number;
  readonly state: RunState;
  /** The workflow's clock when it happened (ISO 8601). */
  readonly at: string;
  /** The run's error, once it ended with one. */
  readonly error?: string;
  /** `approval`: the stage whose gate waits. */
  readonly stage?: string;
  readonly triggeredBy?: string;
  /** `deployment`: the deployment that ended (a deploy job's, a marked job's, or a rollback's). */
  readonly deployment?: DeploymentNotice;
}

/** What a `deployment` notification tells: who deployed what where, and how it went. */
export interface DeploymentNotice {
  readonly id: number;
  readonly kind: string;
  readonly environment: string;
  readonly application: string;
  readonly result: string;
  readonly jobPath?: string;
  readonly images: readonly string[];
  readonly commit?: string;
  readonly user?: string;
  readonly reason?: string;
}

/** One receiver's delivery of a notice: the activity's input. */
export interface NotificationDelivery {
  /** Stable for this (run, event, receiver): the same on every retry, so the receiver can drop a duplicate. */
  readonly deliveryId: string;
  readonly receiver: ReceiverSpec;
  readonly notice: RunNotice;
}

/** The notification workflow's input: a notice and the receivers it goes to (by their index in the flow). */
export interface NotifyInput {
  readonly notice: RunNotice;
  readonly receivers: readonly { readonly index: number; readonly receiver: ReceiverSpec }[];
}

/** What the notification workflow reports, per receiver (in the order of NotifyInput.receivers). */
export interface NotifyResult {
  readonly deliveries: readonly { readonly deliveryId: string; readonly delivered: boolean; readonly error?: string }[];
}

/** True when `receiver` wants to hear about `event`. */
export function wants(receiver: ReceiverSpec, event: RunEvent): boolean {
  return receiver.on.includes(event) || (receiver.on.includes('finish') && (event === 'success' || event === 'failure' || event === 'cancel'));
}

/**
 * The workflow id of a run's notification of one occurrence: `<run id>/notify/start`,
 * `…/approval/<stage>`, `…/deployment/<id>` or `…/end`. One run ends once, so its end has one id whatever the state.
 */
export function notifyWorkflowId(notice: Pick<RunNotice, 'runId' | 'event' | 'stage' | 'deployment'>): string {
  const key =
    notice.event === 'start' ? 'start' : notice.event === 'approval' ? `approval/${notice.stage ?? ''}` : notice.event === 'deployment' ? `deployment/${notice.deployment?.id ?? 0}` : 'end';
  return `${notice.runId}/notify/${key}`;
}

/** The delivery id of receiver `index` (its position under `receivers:`) for a notification workflow. */
export function deliveryIdOf(notifyId: string, index: number): string {
  return `${notifyId}/${index}`;
}
