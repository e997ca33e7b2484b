/**
 * The activities deployments use from workflow code (issue 13): the store
 * side (activities/deploy-records.ts), the engine (contracts/deploy.ts) and
 * lead time's shipped commits. Proxies only; no decisions here.
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { DeployRecordActivities } from '../activities/deploy-records.ts';
import type { DeployEngineActivities, LeadTimeActivities } from '../contracts/deploy.ts';

/** Slack over the job timeout for an engine call that bounds its own rollout wait. */
const APPLY_GRACE_MS = 120_000;
/** An apply without a job timeout: the engine's own default bounds the wait; this only bounds a lost worker. */
const APPLY_DEFAULT_MS = 3_600_000;

/** Short store calls, retried through store hiccups. */
export const records = proxyActivities<DeployRecordActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s', backoffCoefficient: 2, maximumAttempts: 10 },
});

/** The wait for a pair's turn: as long as it takes, heartbeating, cancelled with the job. */
export const queueWait = proxyActivities<Pick<DeployRecordActivities, 'waitForDeployTurn'>>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '30s',
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** The engine for one job: applies bounded by the job's timeout. */
export function engineFor(timeoutMs: number): DeployEngineActivities {
  return proxyActivities<DeployEngineActivities>({
    startToCloseTimeout: (timeoutMs > 0 ? timeoutMs : APPLY_DEFAULT_MS) + APPLY_GRACE_MS,
    heartbeatTimeout: '60s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Server-side apply is idempotent: a retry after a lost worker applies the same objects again.
    retry: { initialInterval: '2s', maximumInterval: '30s', backoffCoefficient: 2, maximumAttempts: 3 },
  });
}

/** Best effort (a missing or failing activity never fails a deployment): one try. */
export const leadTime = proxyActivities<LeadTimeActivities>({ startToCloseTimeout: '2m', retry: { maximumAttempts: 1 } });
