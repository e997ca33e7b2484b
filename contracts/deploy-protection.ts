/**
 * The runtime protection check of a deployment (issue 13, docs/deploy-jobs.md):
 * may this run deploy to this environment now? Pure: the run workflow asks it
 * before each deploy attempt (and before recording a `deployment:`-marked job),
 * with what the run knows; flow validation (flow/check-environments.ts) refuses
 * earlier what it can see in the file.
 */
import { gateWithinProtection } from '../flow/environments.ts';
import { matchesGlobs } from '../flow/globs.ts';
import type { EnvironmentSpec } from './environments.ts';
import type { StageStatus } from './run-status.ts';

/** What the run knows when it is about to deploy. */
export interface DeployRunFacts {
  /** The branch the run's trigger names (a push's branch); absent for runs started by hand, by a schedule or by a tag. */
  readonly branch?: string;
  /** The run's stages before the deploying job's stage, as the run status has them. */
  readonly stagesBefore: readonly Pick<StageStatus, 'name' | 'type' | 'approval'>[];
}

/** Why the run may not deploy to `environment`, or undefined when it may. */
export function refuseDeployment(environment: EnvironmentSpec, facts: DeployRunFacts): string | undefined {
  const { branches, approvers } = environment.protection;
  if (branches.length > 0 && facts.branch !== undefined && !matchesGlobs(facts.branch, branches)) {
    return `environment ${environment.name} accepts deployments from branches ${branches.join(', ')} only; this run is for branch "${facts.branch}"`;
  }
  if (approvers.length === 0) return undefined;
  const passed = facts.stagesBefore.some(
    (s) =>
      s.type === 'pause' &&
      s.approval?.outcome === 'approved' &&
      gateWithinProtection(s.approval.approvers, environment.protection) &&
      s.approval.decisions.some((d) => d.approve),
  );
  if (passed) return undefined;
  return `environment ${environment.name} needs an approval by ${approvers.join(', ')} before a deployment: no approval gate limited to them was approved earlier in this run`;
}
