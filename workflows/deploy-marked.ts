/**
 * Jobs marked `deployment:` (issue 13): a container or service job that
 * deploys by itself. Each attempt passes the environment's protection, takes the pair's turn and is recorded as a
 * deployment of kind `marked` (the job's image, no manifest), ending with
 * the attempt's result; a success records the commits it shipped.
 */
import { ActivityFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import { deployLockKey } from '../contracts/deployments.ts';
import { flowNamespace } from '../contracts/environments.ts';
import type { JobAttemptInput, JobAttemptResult } from '../contracts/job-attempt.ts';
import type { JobStatus } from '../contracts/run-status.ts';
import { failedAttempt, missingEnvironment, protectionRefusal } from './deploy.ts';
import { records } from './deploy-activities.ts';
import { withDeployTurn } from './deploy-queue.ts';
import { deploymentOutputs, endRecord, runOrigin, shippedCommits } from './deploy-record.ts';
import { notifyDeployment } from './notify.ts';
import type { RunContext } from './run-context.ts';

type Attempt = (input: JobAttemptInput) => Promise<JobAttemptResult>;

/** Wraps a job's attempt function so that each attempt is a recorded deployment of the marked pair. */
export function markedAttempt(ctx: RunContext, job: JobSpec, js: JobStatus, attempt: Attempt): Attempt {
  const mark = job.deployment;
  if (mark === undefined) return attempt;
  const namespace = flowNamespace(ctx.flow.uri);
  const pair = { namespace, environment: mark.environment, application: mark.application };
  return async (input) => {
    const found = await records.loadEnvironment({ namespace, environment: mark.environment });
    if (found.env === undefined) return failedAttempt(missingEnvironment(namespace, mark.environment, found.declared, found.applied), false);
    const refusal = protectionRefusal(ctx, job, found.env);
    if (refusal !== undefined) return failedAttempt(`not deployed: ${refusal}`, false);
    const holder = `${ctx.input.runId}/${job.path}/${input.attempt}`;
    const place = { key: deployLockKey(namespace, mark.environment, mark.application), holder, workflowId: workflowInfo().workflowId };
    return withDeployTurn(place, js, async () => {
      const previous = await records.lastSuccessfulDeploymentRecord(pair);
      const record = await records.startDeploymentRecord({
        key: holder,
        ...pair,
        kind: 'marked',
        ...runOrigin(ctx),
        jobPath: job.path,
        attempt: input.attempt,
        images: job.image ? [job.image] : [],
        startedAt: new Date().toISOString(),
      });
      js.deployment = { id: record.id, environment: mark.environment, application: mark.application };
      let r: JobAttemptResult;
      try {
        r = await attempt(input);
      } catch (err) {
        const reason = isCancellation(err) ? 'cancelled' : err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
        const ended = await CancellationScope.nonCancellable(() => endRecord(record.id, { result: 'failed', reason }));
        notifyDeployment(ctx, ended);
        throw err;
      }
      const commits = r.succeeded ? await shippedCommits(ctx, js, record, previous, job.workspace) : [];
      const ended = await endRecord(record.id, r.succeeded ? { result: 'succeeded', commits } : { result: 'failed', reason: r.cancelled ? 'cancelled' : (r.reason ?? 'failed') });
      notifyDeployment(ctx, ended);
      return r.succeeded ? { ...r, outputs: { ...r.outputs, ...deploymentOutputs(ended) } } : r;
    });
  };
}
