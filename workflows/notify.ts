/**
 * Notifications (`receivers:`). The run starts one `notifyRun` workflow per
 * occurrence (started, waiting for approval, ended) as a child it abandons:
 * the run never waits for a receiver, and a notification outlives the run.
 * The child delivers to each receiver with its own activity, retried with
 * backoff for up to a day, so a receiver that is down delays only its own
 * delivery. Temporal keeps the child's progress: a worker restart loses
 * nothing, and a delivery confirmed once is never sent again; only a send
 * whose outcome was lost (the worker died before recording it) is repeated,
 * with the same delivery id.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope, ParentClosePolicy, WorkflowIdReusePolicy, log, patched, proxyActivities, startChild } from '@temporalio/workflow';
import type { NotifyActivities } from '../activities/notify.ts';
import { deliveryIdOf, notifyWorkflowId, wants, type NotifyInput, type NotifyResult, type RunEvent, type RunNotice } from '../contracts/notifications.ts';
import { NOTIFY_WORKFLOW, type NotifyWorkflow } from '../contracts/workflows.ts';
import type { DeploymentRecord } from '../contracts/deployments.ts';
import { now, type RunContext } from './run-context.ts';

/** How deliveries are retried: 1 s doubling to 5 min, for up to a day; refusals (bad address, 4xx) are not retried. */
const { sendNotification } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '2m',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/** The notification workflow: delivers one notice to its receivers, each on its own. */
export async function notifyRun(input: NotifyInput): Promise<NotifyResult> {
  const id = notifyWorkflowId(input.notice);
  const outcomes = await Promise.allSettled(input.receivers.map(({ index, receiver }) => sendNotification({ deliveryId: deliveryIdOf(id, index), receiver, notice: input.notice })));
  const deliveries = outcomes.map((o, i) => {
    const deliveryId = deliveryIdOf(id, input.receivers[i]!.index);
    if (o.status === 'fulfilled') return { deliveryId, delivered: true };
    const err = o.reason as Error;
    return { deliveryId, delivered: false, error: err instanceof ActivityFailure && err.cause ? err.cause.message : err.message };
  });
  const failed = deliveries.filter((d) => !d.delivered);
  // A failed workflow shows as such in Temporal's UI, with what went wrong.
  if (failed.length > 0) throw ApplicationFailure.nonRetryable(failed.map((d) => `${d.deliveryId}: ${d.error ?? ''}`).join('; '), 'NotificationNotDelivered', { deliveries });
  return { deliveries };
}

/**
 * Starts the notification of `event` for the receivers that want it, without
 * waiting for its deliveries. The start itself is kept in `ctx.notices`: the
 * run awaits the starts (not the deliveries) before it returns.
 */
export function notify(ctx: RunContext, event: RunEvent, stage?: string, deployment?: RunNotice['deployment']): void {
  const receivers = (ctx.flow.receivers ?? []).map((receiver, index) => ({ index, receiver })).filter(({ receiver }) => wants(receiver, event));
  // Runs pinned before receivers were read have none: their histories replay without these commands.
  if (receivers.length === 0 || !patched('coflow-notifications')) return;
  const { status } = ctx;
  const notice: RunNotice = {
    event,
    runId: status.runId,
    flowUri: status.flowUri,
    number: status.number,
    state: status.state,
    at: status.endedAt ?? now(),
    ...(status.error === undefined ? {} : { error: status.error }),
    ...(stage === undefined ? {} : { stage }),
    ...(status.triggeredBy === undefined ? {} : { triggeredBy: status.triggeredBy }),
    ...(deployment === undefined ? {} : { deployment }),
  };
  // In flight until started: the run does not continue as new over a start it has not seen land.
  ctx.inFlight++;
  // Not cancellable: a cancelled run still tells its receivers that it was cancelled.
  const started = CancellationScope.nonCancellable(() =>
    startChild<NotifyWorkflow>(NOTIFY_WORKFLOW, {
      workflowId: notifyWorkflowId(notice),
      args: [{ notice, receivers }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // One notification per occurrence, even if the run comes back to it (continue-as-new).
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }),
  )
    .then(
      () => undefined,
      // Already started (the run came back to it) or refused by the server: never a reason to fail the run.
      (err: unknown) => log.warn('notification not started', { workflowId: notifyWorkflowId(notice), error: (err as Error).message }),
    )
    .finally(() => ctx.inFlight--);
  ctx.notices.push(started);
}

/** Tells the receivers that want `deployment` that a deployment of this run ended. */
export function notifyDeployment(ctx: RunContext, r: DeploymentRecord): void {
  notify(ctx, 'deployment', undefined, {
    id: r.id,
    kind: r.kind,
    environment: r.environment,
    application: r.application,
    result: r.result,
    images: [...r.images],
    ...(r.jobPath === undefined ? {} : { jobPath: r.jobPath }),
    ...(r.commit === undefined ? {} : { commit: r.commit }),
    ...(r.user === undefined ? {} : { user: r.user }),
    ...(r.reason === undefined ? {} : { reason: r.reason }),
  });
}
