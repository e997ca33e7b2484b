/**
 * Commit statuses (docs/forges.md "How reporting works"). The run starts one
 * `reportRun` workflow as a child it abandons (workflows/report-hooks.ts) and
 * signals it each state change without waiting: a forge that is down delays
 * the reports, never the run. The reporter sends the updates one at a time,
 * in the order they came; for each context only the latest state counts, so
 * an update still unsent (or still being retried) when a later one of its
 * context arrives is dropped. Sends are retried with backoff (2 s doubling to
 * 5 min, for up to 24 h); a refusal (bad token, no access, unknown commit) is
 * not retried: it becomes a warning on the run, signalled to the run while it
 * is open and kept in this workflow's memo (read with the run once it ended).
 * The reporter ends once the run's final state is sent or given up on.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertMemo,
} from '@temporalio/workflow';
import { REPORT_WARNINGS_MEMO, type ForgeReportActivities, type ReportOutcome, type ReportRunInput, type ReportRunResult, type ReportUpdate } from '../contracts/forge-report.ts';
import { reportUpdateSignal, reportWarningSignal } from '../contracts/signals.ts';

const { reportStatus } = proxyActivities<ForgeReportActivities>({
  startToCloseTimeout: '1m',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
  // A superseded send is cancelled, but an attempt already talking to the forge ends first: no stale state lands after a newer one.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** The reporting workflow of one run. */
export async function reportRun(input: ReportRunInput): Promise<ReportRunResult> {
  const { target } = input;
  /** Latest update per context, oldest first. */
  const queue = new Map<string, ReportUpdate>();
  let finalSeen = false;
  let sent = 0;
  let superseded = 0;
  const warnings: string[] = [];
  const enqueue = (u: ReportUpdate): void => {
    if (queue.delete(u.context)) superseded++;
    queue.set(u.context, u);
    if (u.final) finalSeen = true;
  };
  enqueue(input.first);
  setHandler(reportUpdateSignal, enqueue);

  const warn = async (warning: string): Promise<void> => {
    if (warnings.includes(warning)) return;
    warnings.push(warning);
    upsertMemo({ [REPORT_WARNINGS_MEMO]: [...warnings] });
    // The run adds it to its own warnings while it is open; once it ended, the memo is where the run API finds it.
    await getExternalWorkflowHandle(input.runId)
      .signal(reportWarningSignal, warning)
      .catch((err: unknown) => log.info('run not told of a report warning (ended?)', { runId: input.runId, error: (err as Error).message }));
  };

  while (!(finalSeen && queue.size === 0)) {
    await condition(() => queue.size > 0);
    const [context, update] = queue.entries().next().value as [string, ReportUpdate];
    queue.delete(context);
    const outcome = await send(update, () => queue.has(context));
    if (outcome === 'superseded') superseded++;
    else if ('gaveUp' in outcome) await warn(`${target.forge} commit status ${context} not set after retrying: ${outcome.gaveUp}`);
    else if (outcome.result === 'refused') await warn(`${target.forge} commit status not set: ${outcome.status} ${outcome.answer}`.trim());
    else sent++;
  }
  return { sent, superseded, warnings };

  /** One send, cancelled when a later update of its context arrives; `gaveUp` says why it could not be sent. */
  async function send(u: ReportUpdate, supersededNow: () => boolean): Promise<ReportOutcome | 'superseded' | { gaveUp: string }> {
    const sending = new CancellationScope();
    const watching = new CancellationScope();
    void watching
      .run(() => condition(supersededNow))
      .then(() => sending.cancel())
      .catch(() => undefined);
    try {
      return await sending.run(() => reportStatus({ target, context: u.context, state: u.state, description: u.description }));
    } catch (err) {
      if (isCancellation(err)) return 'superseded';
      return { gaveUp: err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message };
    } finally {
      watching.cancel();
    }
  }
}
