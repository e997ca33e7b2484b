/**
 * How the run workflow drives a `deploy` job (issue 13): the activities of the
 * deployment engine (activities/deploy/), by name and signature, so that
 * workflow code calls them without importing activity code. The workflow owns
 * the order (queue, records, protection, rollback, canary waits); the engine
 * owns the cluster (render, apply, rollout, prune, colours).
 */
import type { ExprContexts } from '../flow/expressions/values.ts';
import type { BlueGreenSpec, DeploySpec, DeployStrategyName } from '../flow/model.ts';
import type { ShippedCommit } from './deployments.ts';
import type { TriggerContext } from './triggers.ts';

/** Render one deploy attempt's manifest: no change to the cluster. */
export interface RenderInput {
  readonly runId: string;
  readonly flowUri: string;
  readonly jobPath: string;
  readonly attempt: number;
  readonly namespace: string;
  readonly application: string;
  readonly deploy: DeploySpec;
  /**
   * The run's expression contexts (run, flow, trigger, inputs, env, jobs) plus
   * `environment` ({ name, tier, namespace, values }); `${{ secrets.X }}` stays
   * as written in the stored manifest and is resolved only when applied.
   */
  readonly contexts: ExprContexts;
  /** The run has a workspace (a `file:` manifest is read from it). */
  readonly workspace: boolean;
  /** The pair's last successful deployment (blue-green picks the other colour). */
  readonly previous?: { readonly id: number; readonly manifest: string };
}

export type RenderOutcome =
  | {
      readonly ok: true;
      /** What the record stores and `applyDeployment` applies (see DeploymentRecord.manifest). */
      readonly manifest: string;
      /** `sha256:<hex>` of `manifest`. */
      readonly digest: string;
      readonly images: readonly string[];
      /** Blue-green: the colour this deployment goes live under. */
      readonly colour?: string;
    }
  | { readonly ok: false; readonly reason: string; readonly retryable: boolean };

/** Apply a rendered (or stored, for a rollback) manifest and wait for its rollout. */
export interface ApplyInput {
  readonly namespace: string;
  readonly environment: string;
  readonly application: string;
  /** The record this apply belongs to (a label on every object). */
  readonly deploymentId: number;
  readonly manifest: string;
  readonly strategy: DeployStrategyName;
  readonly blueGreen?: BlueGreenSpec;
  /** The manifest live before: objects it had that `manifest` lacks are pruned (blue-green keeps the old colour until its scale-down). */
  readonly previousManifest?: string;
  /** Bound of the rollout wait; 0 = the engine's default. */
  readonly timeoutMs: number;
}

export interface ApplyOutcome {
  readonly ok: boolean;
  /** Why the rollout failed, e.g. "2/3 replicas not ready: readiness probe failed: …". */
  readonly reason?: string;
  /** `kind/namespace/name` of the objects pruned. */
  readonly pruned: readonly string[];
}

/** One canary step: the new version on `weight` percent of the replicas (100 promotes it and removes the canary). */
export interface CanaryStepInput extends ApplyInput {
  readonly weight: number;
}

/** Blue-green's delayed scale-down of the colour that went out of service. */
export interface ScaleDownInput {
  readonly namespace: string;
  readonly environment: string;
  readonly application: string;
  readonly colour: string;
  /** The deployment whose switch took the colour out of service (no scale-down when the colour is live again). */
  readonly deploymentId: number;
}

export interface DeployEngineActivities {
  renderDeployment(input: RenderInput): Promise<RenderOutcome>;
  /** Heartbeats while it waits; on failure the cluster is left as the rollout left it (rollback is the workflow's call). */
  applyDeployment(input: ApplyInput): Promise<ApplyOutcome>;
  canaryStep(input: CanaryStepInput): Promise<ApplyOutcome>;
  /** Removes the canary workloads and gives the stable version its replicas back. */
  canaryAbort(input: ApplyInput): Promise<ApplyOutcome>;
  scaleDownColour(input: ScaleDownInput): Promise<{ readonly scaled: boolean; readonly reason?: string }>;
}

/** The labels coflow sets on every object it deploys (prune and blue-green select by them). */
export const DEPLOY_LABELS = {
  environment: 'coflow.io/environment',
  application: 'coflow.io/application',
  deployment: 'coflow.io/deployment',
  colour: 'coflow.io/colour',
  track: 'coflow.io/track',
} as const;

/** The field manager of coflow's server-side applies. */
export const DEPLOY_FIELD_MANAGER = 'coflow-deploy';

/** Lead time (dora part): which commits a successful deployment shipped. */
export interface ShippedCommitsInput {
  readonly runId: string;
  readonly flowUri: string;
  /** The commit deployed (the run's trigger commit). */
  readonly commit?: string;
  /** The commit of the pair's previous successful deployment. */
  readonly previousCommit?: string;
  /** The run's trigger (its payload may list the pushed commits). */
  readonly trigger?: TriggerContext;
  /** The run has a workspace (a clone in it answers `git log previous..commit`). */
  readonly workspace: boolean;
}

export interface LeadTimeActivities {
  /** Best effort: the commits it can establish, oldest first; empty when none. */
  shippedCommits(input: ShippedCommitsInput): Promise<ShippedCommit[]>;
}
