/**
 * The run's turn under the flow's `concurrency` limit, claimed once when the
 * run starts (not again after continue-as-new).
 */
import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ConcurrencyActivities } from '../activities/concurrency.ts';
import type { RunContext } from './run-context.ts';

const { claimConcurrencySlot } = proxyActivities<ConcurrencyActivities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** `go` to run, `rejected` (onLimit: reject), or `cancelled` while queued. */
export async function takeTurn(ctx: RunContext): Promise<'go' | 'rejected' | 'cancelled'> {
  const limit = ctx.flow.concurrency;
  if (limit === undefined || ctx.input.carried) return 'go';
  ctx.status.queued = true;
  try {
    const r = await claimConcurrencySlot({ flowUri: ctx.flow.uri, runId: ctx.input.runId, number: ctx.input.number, ...limit });
    if (r.cancelled.length > 0) ctx.status.cancelledRuns = [...r.cancelled];
    if (r.outcome === 'rejected') {
      ctx.status.error = `rejected: ${r.openBefore} earlier runs of ${ctx.flow.uri} are open and its concurrency allows ${limit.max} (onLimit: reject)`;
      return 'rejected';
    }
    return 'go';
  } catch (err) {
    if (isCancellation(err)) return 'cancelled';
    throw err;
  } finally {
    ctx.status.queued = false;
  }
}
