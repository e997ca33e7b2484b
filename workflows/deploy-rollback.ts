/**
 * Rollbacks (issue 13): `onFailure: rollback` re-applies the pair's last
 * successful deployment right after a failed rollout (inside the job, still
 * holding the pair's turn); `rollbackDeployment` is the workflow of a
 * rollback by hand, which takes the pair's turn itself. Both leave a record
 * of kind `rollback` naming what it undoes and what it restores.
 */
import { ActivityFailure, ApplicationFailure, defineQuery, setHandler, workflowInfo } from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import type { ApplyInput } from '../contracts/deploy.ts';
import { deployLockKey, refuseRestore, type DeploymentRecord } from '../contracts/deployments.ts';
import { ROLLBACK_RECORD_QUERY, type RollbackInput, type RollbackResult } from '../contracts/workflows.ts';
import { engineFor, records } from './deploy-activities.ts';
import { withDeployTurn } from './deploy-queue.ts';
import { endRecord, runOrigin } from './deploy-record.ts';
import { notifyDeployment } from './notify.ts';
import type { RunContext } from './run-context.ts';

function message(err: unknown): string {
  return err instanceof ActivityFailure && err.cause ? err.cause.message : err instanceof Error ? err.message : String(err);
}

/** After `failed`'s rollout failed: re-applies the pair's deployment before it; says what happened, for the job's reason. */
export async function rollBackFailed(ctx: RunContext, job: JobSpec, failed: DeploymentRecord, applied: ApplyInput): Promise<string> {
  const pair = { namespace: failed.namespace, environment: failed.environment, application: failed.application };
  const restore = await records.lastSuccessfulDeploymentRecord({ ...pair, beforeId: failed.id });
  if (restore?.manifest === undefined) return `not rolled back: no earlier successful deployment of ${pair.application} to ${pair.environment} to return to`;
  const rb = await records.startDeploymentRecord({
    key: `${ctx.input.runId}/${job.path}/${failed.attempt ?? 0}/rollback`,
    ...pair,
    kind: 'rollback',
    ...runOrigin(ctx),
    jobPath: job.path,
    ...(failed.attempt !== undefined ? { attempt: failed.attempt } : {}),
    images: restore.images,
    ...(restore.strategy ? { strategy: restore.strategy } : {}),
    manifest: restore.manifest,
    ...(restore.manifestDigest ? { manifestDigest: restore.manifestDigest } : {}),
    ...(restore.commit ? { commit: restore.commit } : {}),
    startedAt: new Date().toISOString(),
    rollbackOf: failed.id,
    restores: restore.id,
  });
  let reason: string | undefined;
  try {
    const out = await engineFor(job.timeoutMs).applyDeployment({ ...applied, deploymentId: rb.id, manifest: restore.manifest, ...(failed.manifest ? { previousManifest: failed.manifest } : {}) });
    if (!out.ok) reason = out.reason ?? 'no reason given';
  } catch (err) {
    reason = message(err);
  }
  const ended = await endRecord(rb.id, reason === undefined ? { result: 'succeeded', reason: `rolled back deployment ${failed.id} to deployment ${restore.id}` } : { result: 'failed', reason });
  notifyDeployment(ctx, ended);
  return reason === undefined ? `rolled back to deployment ${restore.id} (rollback ${rb.id})` : `the rollback to deployment ${restore.id} failed too (rollback ${rb.id}): ${reason}`;
}

/** A rollback by hand: restores `deploymentId`'s manifest, holding the pair's turn. */
export async function rollbackDeployment(input: RollbackInput): Promise<RollbackResult> {
  let recordId: number | undefined;
  setHandler(defineQuery<number | undefined>(ROLLBACK_RECORD_QUERY), () => recordId);
  const target = await records.getDeploymentRecord(input.deploymentId);
  const refusal = refuseRestore(target, input.deploymentId);
  if (refusal !== undefined || target?.manifest === undefined) throw ApplicationFailure.nonRetryable(refusal ?? 'no manifest', 'RollbackRefused');
  const manifest = target.manifest;
  const pair = { namespace: target.namespace, environment: target.environment, application: target.application };
  const { workflowId } = workflowInfo();
  const place = { key: deployLockKey(pair.namespace, pair.environment, pair.application), holder: workflowId, workflowId };
  return withDeployTurn(place, undefined, async () => {
    const live = await records.lastSuccessfulDeploymentRecord(pair);
    if (live?.id === target.id) throw ApplicationFailure.nonRetryable(`deployment ${target.id} is already the live deployment of ${pair.application} in ${pair.environment}`, 'RollbackRefused');
    const rb = await records.startDeploymentRecord({
      key: workflowId,
      ...pair,
      kind: 'rollback',
      user: input.user,
      images: target.images,
      ...(target.strategy ? { strategy: target.strategy } : {}),
      manifest,
      ...(target.manifestDigest ? { manifestDigest: target.manifestDigest } : {}),
      ...(target.commit ? { commit: target.commit } : {}),
      startedAt: new Date().toISOString(),
      ...(live !== undefined ? { rollbackOf: live.id } : {}),
      restores: target.id,
    });
    recordId = rb.id;
    let reason: string | undefined;
    try {
      const out = await engineFor(input.timeoutMs ?? 0).applyDeployment({
        ...pair, deploymentId: rb.id, manifest, strategy: 'rolling', timeoutMs: input.timeoutMs ?? 0,
        ...(live?.manifest !== undefined ? { previousManifest: live.manifest } : {}),
      });
      if (!out.ok) reason = out.reason ?? 'no reason given';
    } catch (err) {
      reason = message(err);
    }
    await endRecord(rb.id, reason === undefined ? { result: 'succeeded', reason: `restored deployment ${target.id}` } : { result: 'failed', reason });
    return { deploymentId: rb.id, succeeded: reason === undefined, ...(reason !== undefined ? { reason } : {}) };
  });
}
