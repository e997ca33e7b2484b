/**
 * Canary deploy jobs (issue 13): each step puts `weight` percent of the
 * replicas on the new version, then waits a durable timer or a person's
 * approval (the `decideCanary` signal: the environment's approvers, else any
 * operator); a failed step or a rejection aborts the canary; after the last
 * step weight 100 promotes the new version.
 */
import { condition, log, setHandler, sleep } from '@temporalio/workflow';
import type { CanaryStep } from '../flow/model.ts';
import type { ApplyInput, ApplyOutcome, DeployEngineActivities } from '../contracts/deploy.ts';
import { jobsOf, type JobStatus } from '../contracts/run-status.ts';
import { canaryDecideSignal } from '../contracts/signals.ts';
import { isEnvironmentApprover } from '../contracts/approval-policy.ts';
import { records } from './deploy-activities.ts';
import { flowNamespace } from '../contracts/environments.ts';
import { now, type RunContext } from './run-context.ts';


/** Registers the `decideCanary` handler: records the first admitted decision of the waiting step. */
export function handleCanaryDecisions(ctx: RunContext): void {
  setHandler(canaryDecideSignal, (d) => {
    const js = jobsOf(ctx.status).find((j) => j.path === d.job);
    const waiting = js?.deployment?.canaryApproval;
    if (waiting === undefined || waiting.step !== d.step || waiting.decision !== undefined) {
      log.warn('ignored a canary decision for a step that is not waiting', { job: d.job, step: d.step, user: d.actor.user });
      return;
    }
    if (!isEnvironmentApprover(waiting.approvers, d.actor)) {
      log.warn('refused a canary decision', { job: d.job, user: d.actor.user });
      return;
    }
    waiting.decision = { user: d.actor.user, roles: [...d.actor.roles], approve: d.approve, ...(d.comment ? { comment: d.comment } : {}), at: now() };
  });
}

/** The environment's approvers (for who may decide on a step). */
async function approversOf(ctx: RunContext, environment: string): Promise<readonly string[]> {
  const found = await records.loadEnvironment({ namespace: flowNamespace(ctx.flow.uri), environment });
  return found.env?.protection.approvers ?? [];
}

/** Every step, its wait, then the promotion; ok:false with the reason after an abort. */
export async function runCanary(ctx: RunContext, js: JobStatus, engine: DeployEngineActivities, input: ApplyInput, steps: readonly CanaryStep[]): Promise<ApplyOutcome> {
  const abort = async (reason: string): Promise<ApplyOutcome> => {
    const undone = await engine.canaryAbort(input);
    return { ok: false, reason: undone.ok ? `${reason} (canary aborted)` : `${reason}; the abort failed too: ${undone.reason ?? ''}`, pruned: [] };
  };
  for (const [i, step] of steps.entries()) {
    const out = await engine.canaryStep({ ...input, weight: step.weight });
    if (!out.ok) return abort(`canary step ${i + 1} (${step.weight}%) failed: ${out.reason ?? 'no reason given'}`);
    if (step.pauseMs !== undefined && step.pauseMs > 0) await sleep(step.pauseMs);
    if (step.approval === true && js.deployment) {
      const waiting = { step: i + 1, weight: step.weight, approvers: await approversOf(ctx, input.environment) };
      js.deployment.canaryApproval = waiting;
      js.waiting = `canary at ${step.weight}%: waiting for an approval of step ${i + 1} (coflow approve ${ctx.input.runId} --job ${js.path})`;
      await condition(() => js.deployment?.canaryApproval?.decision !== undefined);
      delete js.waiting;
      const d = js.deployment.canaryApproval.decision!;
      if (!d.approve) return abort(`canary step ${i + 1} rejected by ${d.user}${d.comment ? `: ${d.comment}` : ''}`);
    }
  }
  const promoted = await engine.canaryStep({ ...input, weight: 100 });
  return promoted.ok ? promoted : abort(`canary promotion failed: ${promoted.reason ?? 'no reason given'}`);
}
