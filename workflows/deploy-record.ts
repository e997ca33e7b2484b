/**
 * What a deployment record says about the run that made it (issue 13):
 * commit, branch, repository and user from the run's trigger, and the
 * record's end with the commits it shipped (best effort, for lead time).
 */
import { ActivityFailure } from '@temporalio/workflow';
import type { DeploymentEnd, DeploymentRecord, NewDeployment, ShippedCommit } from '../contracts/deployments.ts';
import type { JobStatus } from '../contracts/run-status.ts';
import { leadTime, records } from './deploy-activities.ts';
import { now, type RunContext } from './run-context.ts';

/** The run's part of a new record: who and which commit. */
export function runOrigin(ctx: RunContext): Pick<NewDeployment, 'flowUri' | 'runId' | 'commit' | 'branch' | 'repo' | 'user'> {
  const t = ctx.input.trigger;
  const user = ctx.input.triggeredBy ?? t?.actor;
  return {
    flowUri: ctx.flow.uri,
    runId: ctx.input.runId,
    ...(t?.commit ? { commit: t.commit } : {}),
    ...(t?.branch ? { branch: t.branch } : {}),
    ...(t?.repo?.fullName ? { repo: t.repo.fullName } : {}),
    ...(user ? { user } : {}),
  };
}

/** The commits a successful deployment shipped; a warning on the job instead when they cannot be had. */
export async function shippedCommits(ctx: RunContext, js: JobStatus, record: DeploymentRecord, previous: DeploymentRecord | undefined, workspace: boolean): Promise<ShippedCommit[]> {
  try {
    return await leadTime.shippedCommits({
      runId: ctx.input.runId,
      flowUri: ctx.flow.uri,
      ...(record.commit ? { commit: record.commit } : {}),
      ...(previous?.commit ? { previousCommit: previous.commit } : {}),
      ...(ctx.input.trigger ? { trigger: ctx.input.trigger } : {}),
      workspace,
    });
  } catch (err) {
    const why = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
    const warning = `deployment ${record.id}: shipped commits not recorded (lead time will not count it): ${why}`;
    if (!js.warnings.includes(warning)) js.warnings.push(warning);
    return [];
  }
}

/** Ends a record now. */
export function endRecord(id: number, end: Omit<DeploymentEnd, 'finishedAt'>): Promise<DeploymentRecord> {
  return records.finishDeploymentRecord({ id, end: { ...end, finishedAt: now() } });
}

/** The outputs a deploy or marked job adds, for later jobs (`jobs.<path>.outputs.DEPLOYMENT_ID`). */
export function deploymentOutputs(r: DeploymentRecord, colour?: string): Record<string, string> {
  return {
    DEPLOYMENT_ID: String(r.id),
    DEPLOYMENT_ENVIRONMENT: r.environment,
    DEPLOYMENT_APPLICATION: r.application,
    ...(colour ? { DEPLOYMENT_COLOUR: colour } : {}),
  };
}
