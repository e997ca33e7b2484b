/**
 * Acting on deployments (issue 13): a rollback by hand (starts the
 * `rollbackDeployment` workflow and returns its record once it has one) and
 * a decision on a canary step that waits for an approval. The API and the
 * CLI call these; the workflows check again.
 */
import type { Client } from '@temporalio/client';
import { isEnvironmentApprover } from '../contracts/approval-policy.ts';
import { refuseRestore } from '../contracts/deployments.ts';
import { jobsOf, type RunStatus } from '../contracts/run-status.ts';
import { canaryDecideSignal, statusQuery, type Actor } from '../contracts/signals.ts';
import { ROLLBACK_RECORD_QUERY, ROLLBACK_WORKFLOW, rollbackWorkflowId, type RollbackWorkflow } from '../contracts/workflows.ts';
import type { DeploymentStore } from '../store/store.ts';
import { DecisionRefusedError, RunNotOpenError } from './errors.ts';
import { describeRun } from './read-run.ts';

export interface DeploymentDeps {
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly store: Pick<DeploymentStore, 'getDeployment'>;
}

/** A request the deployment cannot answer: `code` picks the HTTP status (api/errors.ts). */
export class DeploymentActionError extends Error {
  override readonly name = 'DeploymentActionError';
  readonly code: 'not_found' | 'not_restorable' | 'step_not_waiting';
  constructor(code: 'not_found' | 'not_restorable' | 'step_not_waiting', message: string) {
    super(message);
    this.code = code;
  }
}

/** How long the start waits for the rollback's record. */
const RECORD_WAIT_MS = 15_000;

/** Starts a rollback restoring deployment `id`; resolves with its workflow id and its record id (null while it still waits for the pair's queue). */
export async function startRollback(deps: DeploymentDeps, id: number, actor: Actor, timeoutMs = 0): Promise<{ deploymentId: number | null; workflowId: string }> {
  const target = await deps.store.getDeployment(id);
  const refusal = refuseRestore(target, id);
  if (refusal !== undefined || target === undefined) throw new DeploymentActionError(target === undefined ? 'not_found' : 'not_restorable', refusal ?? `deployment ${id} does not exist`);
  const workflowId = rollbackWorkflowId(target.namespace, target.environment, target.application, new Date().toISOString());
  const handle = await deps.temporal.workflow.start<RollbackWorkflow>(ROLLBACK_WORKFLOW, {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [{ deploymentId: id, user: actor.user, ...(timeoutMs > 0 ? { timeoutMs } : {}) }],
  });
  const deadline = Date.now() + RECORD_WAIT_MS;
  for (;;) {
    const recordId = await handle.query<number | undefined>(ROLLBACK_RECORD_QUERY).catch(() => undefined);
    if (recordId !== undefined) return { deploymentId: recordId, workflowId };
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') {
      const failure = await handle.result().then(() => undefined, (err: Error) => (err.cause instanceof Error ? err.cause.message : err.message));
      throw new DeploymentActionError('not_restorable', failure ?? 'the rollback ended before it recorded anything');
    }
    // Started, but queued behind another deployment of the pair: its record comes with its turn.
    if (Date.now() > deadline) return { deploymentId: null, workflowId };
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface CanaryDecisionRequest {
  readonly job: string;
  readonly approve: boolean;
  readonly actor: Actor;
  readonly comment?: string;
}

/** Approves or rejects the canary step a deploy job waits on; resolves with the step decided. */
export async function decideCanary(deps: Pick<DeploymentDeps, 'temporal'>, runId: string, d: CanaryDecisionRequest): Promise<number> {
  const { handle, state } = await describeRun(deps.temporal, runId);
  if (state !== 'RUNNING') throw new RunNotOpenError(runId, state.toLowerCase());
  const status: RunStatus = await handle.query(statusQuery);
  const js = jobsOf(status).find((j) => j.path === d.job);
  if (js === undefined) throw new DeploymentActionError('not_found', `run ${runId} has no job ${d.job}`);
  const waiting = js.deployment?.canaryApproval;
  if (waiting === undefined || waiting.decision !== undefined) throw new DeploymentActionError('step_not_waiting', `job ${d.job} is not waiting for a canary approval`);
  if (!isEnvironmentApprover(waiting.approvers, d.actor)) {
    throw new DecisionRefusedError(d.actor.user, `${d.actor.user} may not decide on the canary of ${d.job}: approvers are ${waiting.approvers.join(', ')}`);
  }
  await handle.signal(canaryDecideSignal, { actor: d.actor, job: d.job, step: waiting.step, approve: d.approve, ...(d.comment ? { comment: d.comment } : {}), at: new Date().toISOString() });
  return waiting.step;
}
