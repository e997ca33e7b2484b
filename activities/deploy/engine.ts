/**
 * The deployment engine's activities (contracts/deploy.ts): render, apply
 * with rollout wait and prune, canary steps and abort, blue-green's
 * scale-down. Built by the worker with its dependencies; the workflow owns
 * the order, this file owns the cluster.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ApplyInput, ApplyOutcome, DeployEngineActivities, RenderInput, RenderOutcome, ScaleDownInput } from '../../contracts/deploy.ts';
import { DEPLOY_LABELS } from '../../contracts/deploy.ts';
import { FAILURE_TYPES } from '../../contracts/job-attempt.ts';
import type { SecretResolver } from '../../contracts/secrets.ts';
import { hasExpressions, interpolate, parseTemplate, references } from '../../flow/expressions/index.ts';
import { ExpressionEvalError, ExpressionSyntaxError } from '../../flow/expressions/index.ts';
import { applyManifest, type ApplyContext } from './apply.ts';
import { canaryAbort, canaryStep } from './canary.ts';
import type { ClusterAccess} from './cluster-access.ts';
import { ClusterConfigError } from './cluster-access.ts';
import { ClusterObjects, ObjectRefusedError } from './cluster-objects.ts';
import { OutputTooLongError, WorkspaceGoneError } from './exec-output.ts';
import { ManifestError, parseManifest } from './manifest-objects.ts';
import { readWorkspaceManifest } from './manifest-source.ts';
import { renderManifest } from './render.ts';
import type { WorkspaceExec } from './workspace-exec.ts';

export interface DeployEngineOptions {
  readonly clusters: ClusterAccess;
  /** Reads `file:` manifests; absent: such jobs fail with a clear reason. */
  readonly workspace?: WorkspaceExec;
  /** The helper image of WorkspaceExec (default coflow/kubectl:1.0.0). */
  readonly helperImage?: string;
  readonly secrets?: SecretResolver;
  /** The rollout wait when the input says 0; default 5 min. */
  readonly defaultTimeoutMs?: number;
  readonly pollMs?: number;
}

export const DEFAULT_HELPER_IMAGE = 'coflow/kubectl:1.0.0';
const DEFAULT_TIMEOUT_MS = 300_000;

/** Heartbeats when called inside an activity (tests call the functions directly). */
function heartbeat(): void {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    return;
  }
  ctx.heartbeat();
}

const refused = (err: unknown): boolean =>
  err instanceof ManifestError ||
  err instanceof ClusterConfigError ||
  err instanceof OutputTooLongError ||
  err instanceof WorkspaceGoneError || err instanceof ObjectRefusedError || err instanceof ExpressionEvalError || err instanceof ExpressionSyntaxError;

/** Names of the secrets a stored manifest still holds as `${{ secrets.X }}`. */
function manifestSecrets(manifest: string): string[] {
  if (!hasExpressions(manifest)) return [];
  const names = new Set<string>();
  for (const part of parseTemplate(manifest)) {
    if (part.kind === 'expr') for (const ref of references(part.expr)) if (ref.segments[0] === 'secrets' && ref.segments[1] !== undefined) names.add(ref.segments[1]);
  }
  return [...names];
}

export function createDeployEngineActivities(options: DeployEngineOptions): DeployEngineActivities {
  const { clusters } = options;

  async function resolveSecrets(manifest: string): Promise<string> {
    const secrets: Record<string, string> = {};
    for (const name of manifestSecrets(manifest)) {
      const value = await options.secrets?.(name);
      if (value === undefined) throw new ManifestError(`the manifest uses secret ${name}, which is not defined`);
      secrets[name] = value;
    }
    return Object.keys(secrets).length === 0 ? manifest : interpolate(manifest, { secrets });
  }

  /** Runs `step` against the environment's cluster; refusals become `ok: false`, a missing cluster a non-retryable failure. */
  async function onCluster(input: ApplyInput, step: (ctx: ApplyContext) => Promise<ApplyOutcome>): Promise<ApplyOutcome> {
    try {
      const cluster = await clusters.forEnvironment(input.namespace, input.environment);
      const ctx: ApplyContext = {
        objects: new ClusterObjects(cluster.kubeConfig),
        manifest: parseManifest(await resolveSecrets(input.manifest)),
        namespace: cluster.namespace,
        wait: { kubeConfig: cluster.kubeConfig, timeoutMs: input.timeoutMs || options.defaultTimeoutMs || DEFAULT_TIMEOUT_MS, onPoll: heartbeat, ...(options.pollMs ? { pollMs: options.pollMs } : {}) },
      };
      return await step(ctx);
    } catch (err) {
      if (err instanceof ClusterConfigError) throw ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.badInput);
      if (refused(err)) return { ok: false, reason: (err as Error).message, pruned: [] };
      throw err;
    }
  }

  return {
    async renderDeployment(input: RenderInput): Promise<RenderOutcome> {
      try {
        const cluster = await clusters.forEnvironment(input.namespace, input.deploy.environment);
        const source = input.deploy.manifest;
        let template: string;
        if ('inline' in source) template = source.inline;
        else if (!input.workspace) throw new ManifestError(`manifest file ${source.file}: the run has no workspace to read it from (give an earlier job workspace: true)`);
        else if (options.workspace === undefined) throw new ManifestError(`manifest file ${source.file}: this worker cannot read workspaces`);
        else template = await readWorkspaceManifest(options.workspace, input.runId, input.flowUri, source.file, { image: options.helperImage ?? DEFAULT_HELPER_IMAGE });
        const rendered = renderManifest(template, {
          environment: input.deploy.environment,
          application: input.application,
          kubernetesNamespace: cluster.namespace,
          strategy: input.deploy.strategy,
          ...(input.deploy.blueGreen ? { blueGreenService: input.deploy.blueGreen.service } : {}),
          ...(input.previous ? { previousManifest: input.previous.manifest } : {}),
          contexts: input.contexts,
        });
        return { ok: true, ...rendered };
      } catch (err) {
        if (refused(err)) return { ok: false, reason: (err as Error).message, retryable: false };
        throw err;
      }
    },
    // A canary pair applied whole (a rollback) is a promotion: the canary Deployments go too.
    applyDeployment: (input) => onCluster(input, (ctx) => (input.strategy === 'canary' ? canaryStep({ ...input, weight: 100 }, ctx) : applyManifest(input, ctx))),
    canaryStep: (input) => onCluster(input, (ctx) => canaryStep(input, ctx)),
    canaryAbort: (input) => onCluster(input, (ctx) => canaryAbort(input, ctx)),
    scaleDownColour: (input) => scaleDownColour(clusters, input),
  };
}

/** Scales the colour's Deployments of the pair to 0, unless a Service of the pair selects that colour again. */
async function scaleDownColour(clusters: ClusterAccess, input: ScaleDownInput): Promise<{ scaled: boolean; reason?: string }> {
  let cluster;
  try {
    cluster = await clusters.forEnvironment(input.namespace, input.environment);
  } catch (err) {
    if (err instanceof ClusterConfigError) throw ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.badInput);
    throw err;
  }
  const objects = new ClusterObjects(cluster.kubeConfig);
  const pair = { [DEPLOY_LABELS.environment]: input.environment, [DEPLOY_LABELS.application]: input.application };
  for (const service of await objects.list('v1', 'Service', cluster.namespace, pair)) {
    const selector = (service as { spec?: { selector?: Record<string, string> } }).spec?.selector ?? {};
    if (selector[DEPLOY_LABELS.colour] === input.colour) {
      return { scaled: false, reason: `service/${service.metadata?.name ?? ''} selects ${input.colour} again (a later deployment or a rollback made it live): kept` };
    }
  }
  const deployments = await objects.list('apps/v1', 'Deployment', cluster.namespace, { ...pair, [DEPLOY_LABELS.colour]: input.colour });
  if (deployments.length === 0) return { scaled: false, reason: `no ${input.colour} Deployments of ${input.application} in ${cluster.namespace}` };
  for (const d of deployments) {
    await objects.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.metadata?.name ?? '', namespace: cluster.namespace } }, { spec: { replicas: 0 } });
  }
  return { scaled: true };
}
