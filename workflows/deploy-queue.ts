/**
 * A pair's deployment queue inside a run (issue 13): one deployment at a
 * time per (environment, application). The job joins, shows whom it waits
 * behind, waits its turn, deploys, and leaves — also when it fails or is
 * cancelled.
 */
import { CancellationScope } from '@temporalio/workflow';
import type { QueuePlace } from '../activities/deploy-records.ts';
import type { JobStatus } from '../contracts/run-status.ts';
import { queueWait, records } from './deploy-activities.ts';

/** `run-x#3/deploy.app.prod/1` → `run run-x#3 (deploy.app.prod)`; a rollback's workflow id as is. */
export function describeHolder(holder: string): string {
  const parts = holder.split('/');
  if (parts.length < 3) return holder;
  const attempt = parts.pop();
  const path = parts.pop();
  return `run ${parts.join('/')} (${path ?? ''}, attempt ${attempt ?? ''})`;
}

/** Runs `fn` holding the pair's turn; `js` (when given) says whom it waits behind meanwhile. */
export async function withDeployTurn<T>(place: QueuePlace, js: JobStatus | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    const ahead = await records.joinDeployQueue(place);
    if (ahead.length > 0) {
      if (js) js.waiting = `queued behind ${describeHolder(ahead[0]!)}${ahead.length > 1 ? ` and ${ahead.length - 1} more` : ''}`;
      await queueWait.waitForDeployTurn(place);
    }
    if (js) delete js.waiting;
    return await fn();
  } finally {
    if (js) delete js.waiting;
    // Leaves also when cancelled: the next in line must not wait for a run that gave up.
    await CancellationScope.nonCancellable(() => records.leaveDeployQueue(place));
  }
}
