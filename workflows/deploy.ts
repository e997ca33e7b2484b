/**
 * The `deploy` job (issue 13, docs/deploy-jobs.md): per attempt, load the
 * environment, check its protection, take the pair's turn, record the
 * deployment, render and apply through the engine (contracts/deploy.ts),
 * roll back on failure when asked, and end the record. The workflow owns
 * the order; the engine owns the cluster; the store keeps the records.
 */
import { ActivityFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import type { ApplyInput, ApplyOutcome, DeployEngineActivities, RenderOutcome } from '../contracts/deploy.ts';
import { deployLockKey, type DeploymentRecord } from '../contracts/deployments.ts';
import { refuseDeployment } from '../contracts/deploy-protection.ts';
import { flowNamespace, type EnvironmentSpec } from '../contracts/environments.ts';
import type { JobAttemptInput, JobAttemptResult } from '../contracts/job-attempt.ts';
import type { JobStatus } from '../contracts/run-status.ts';
import { runCanary } from './deploy-canary.ts';
import { engineFor, records } from './deploy-activities.ts';
import { withDeployTurn } from './deploy-queue.ts';
import { deploymentOutputs, endRecord, runOrigin, shippedCommits } from './deploy-record.ts';
import { rollBackFailed } from './deploy-rollback.ts';
import { startScaleDown } from './deploy-scale-down.ts';
import { runContexts } from './expressions-context.ts';
import { notifyDeployment } from './notify.ts';
import type { RunContext } from './run-context.ts';

/** A failed attempt's result (no container, so no exit code or log). */
export function failedAttempt(reason: string, retryable: boolean, outputs: Record<string, string> = {}): JobAttemptResult {
  return { succeeded: false, exitCode: null, timedOut: false, cancelled: false, outputs, warnings: [], reason, retryable, logLines: 0 };
}

function activityMessage(err: unknown): string {
  return err instanceof ActivityFailure && err.cause ? err.cause.message : err instanceof Error ? err.message : String(err);
}

/** Why the run may not deploy to `env` from `job` now (contracts/deploy-protection.ts), or undefined. */
export function protectionRefusal(ctx: RunContext, job: JobSpec, env: EnvironmentSpec): string | undefined {
  const stage = job.path.split('.')[0];
  const at = ctx.status.stages.findIndex((s) => s.name === stage);
  const branch = ctx.input.trigger?.branch;
  return refuseDeployment(env, { ...(branch ? { branch } : {}), stagesBefore: ctx.status.stages.slice(0, Math.max(at, 0)) });
}

/** Why the environment cannot be found, in words. */
export function missingEnvironment(namespace: string, name: string, declared: readonly string[], applied: boolean): string {
  if (!applied) return `environment ${name} is not declared: namespace ${namespace} has no environments (coflow environments apply)`;
  return `environment ${name} is not declared in namespace ${namespace} (declared: ${declared.join(', ') || 'none'})`;
}

/** The attempt function of a deploy job, with the same result shape as a container attempt. */
export function deployAttempt(ctx: RunContext, job: JobSpec, js: JobStatus): (input: JobAttemptInput) => Promise<JobAttemptResult> {
  const spec = job.deploy;
  return async (input) => {
    if (spec === undefined) return failedAttempt(`job ${job.path} is a deploy job without a deploy block`, false);
    const namespace = flowNamespace(ctx.flow.uri);
    const found = await records.loadEnvironment({ namespace, environment: spec.environment });
    if (found.env === undefined) return failedAttempt(missingEnvironment(namespace, spec.environment, found.declared, found.applied), false);
    const env = found.env;
    const refusal = protectionRefusal(ctx, job, env);
    if (refusal !== undefined) return failedAttempt(`not deployed: ${refusal}`, false);
    const holder = `${ctx.input.runId}/${job.path}/${input.attempt}`;
    const place = { key: deployLockKey(namespace, env.name, spec.application), holder, workflowId: workflowInfo().workflowId };
    return withDeployTurn(place, js, () => deployInTurn(ctx, job, js, env, input.attempt));
  };
}

/** Renders, records and applies, holding the pair's turn. */
async function deployInTurn(ctx: RunContext, job: JobSpec, js: JobStatus, env: EnvironmentSpec, attempt: number): Promise<JobAttemptResult> {
  const spec = job.deploy!;
  const namespace = flowNamespace(ctx.flow.uri);
  const pair = { namespace, environment: env.name, application: spec.application };
  const previous = await records.lastSuccessfulDeploymentRecord(pair);
  const record = await records.startDeploymentRecord({
    key: `${ctx.input.runId}/${job.path}/${attempt}`,
    ...pair,
    kind: 'deploy',
    ...runOrigin(ctx),
    jobPath: job.path,
    attempt,
    images: [],
    strategy: spec.strategy,
    startedAt: new Date().toISOString(),
  });
  js.deployment = { id: record.id, environment: env.name, application: spec.application };
  const engine = engineFor(job.timeoutMs);
  let rendered: RenderOutcome;
  try {
    const contexts = { ...runContexts(ctx), environment: { name: env.name, tier: env.tier, namespace: env.kubernetesNamespace, values: { ...env.values } } };
    rendered = await engine.renderDeployment({
      runId: ctx.input.runId, flowUri: ctx.flow.uri, jobPath: job.path, attempt, namespace, application: spec.application, deploy: spec, contexts, workspace: job.workspace,
      ...(previous?.manifest !== undefined ? { previous: { id: previous.id, manifest: previous.manifest } } : {}),
    });
  } catch (err) {
    if (isCancellation(err)) {
      await endCancelled(record);
      throw err;
    }
    rendered = { ok: false, reason: activityMessage(err), retryable: true };
  }
  if (!rendered.ok) {
    const ended = await endRecord(record.id, { result: 'failed', reason: `not rendered: ${rendered.reason}` });
    notifyDeployment(ctx, ended);
    return failedAttempt(`deployment ${record.id} not rendered: ${rendered.reason}`, rendered.retryable);
  }
  if (rendered.colour !== undefined) js.deployment.colour = rendered.colour;
  const applyInput: ApplyInput = {
    namespace, environment: env.name, application: spec.application, deploymentId: record.id, manifest: rendered.manifest, strategy: spec.strategy,
    ...(spec.blueGreen ? { blueGreen: spec.blueGreen } : {}),
    ...(previous?.manifest !== undefined ? { previousManifest: previous.manifest } : {}),
    timeoutMs: job.timeoutMs,
  };
  const made = { manifest: rendered.manifest, manifestDigest: rendered.digest, images: rendered.images };
  const outcome = await applyOrCancel(ctx, job, js, engine, applyInput, record);
  if (!outcome.ok) return failedRollout(ctx, job, record, outcome, made, applyInput);
  const commits = await shippedCommits(ctx, js, record, previous, job.workspace);
  const ended = await endRecord(record.id, { result: 'succeeded', ...made, commits });
  if (spec.blueGreen && previous !== undefined && rendered.colour !== undefined) startScaleDown(ctx, spec.blueGreen, ended, rendered.colour);
  notifyDeployment(ctx, ended);
  const outputs = deploymentOutputs(ended, rendered.colour);
  return { succeeded: true, exitCode: null, timedOut: false, cancelled: false, outputs, warnings: [], retryable: false, logLines: 0 };
}

/** The apply (or the canary's steps); a cancellation ends the record before it goes on. */
async function applyOrCancel(ctx: RunContext, job: JobSpec, js: JobStatus, engine: DeployEngineActivities, input: ApplyInput, record: DeploymentRecord): Promise<ApplyOutcome> {
  try {
    return input.strategy === 'canary' ? await runCanary(ctx, js, engine, input, job.deploy?.canary?.steps ?? []) : await engine.applyDeployment(input);
  } catch (err) {
    if (isCancellation(err)) {
      await endCancelled(record);
      throw err;
    }
    return { ok: false, reason: activityMessage(err), pruned: [] };
  }
}

async function endCancelled(record: DeploymentRecord): Promise<void> {
  await CancellationScope.nonCancellable(() => endRecord(record.id, { result: 'failed', reason: 'cancelled' }));
}

/** Ends a failed rollout's record, rolls back when asked, and says what happened. */
async function failedRollout(
  ctx: RunContext,
  job: JobSpec,
  record: DeploymentRecord,
  outcome: ApplyOutcome,
  made: { manifest: string; manifestDigest: string; images: readonly string[] },
  applyInput: ApplyInput,
): Promise<JobAttemptResult> {
  const reason = `rollout failed: ${outcome.reason ?? 'no reason given'}`;
  const ended = await endRecord(record.id, { result: 'failed', reason, ...made });
  notifyDeployment(ctx, ended);
  const outputs = deploymentOutputs(ended);
  if (job.onFailure !== 'rollback') return failedAttempt(`deployment ${record.id}: ${reason}`, true, outputs);
  const rolled = await rollBackFailed(ctx, job, ended, applyInput);
  return failedAttempt(`deployment ${record.id}: ${reason}; ${rolled}`, true, outputs);
}
