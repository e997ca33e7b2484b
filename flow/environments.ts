/**
 * The environments of a coflow namespace as its environments file declares
 * them (issue 13, docs/deploy-jobs.md): the model flow/parse-environments.ts
 * reads and deploy-target validation checks against. Re-exported by
 * contracts/environments.ts, where the other rooms take it from. Pure data.
 */

/** The tiers an environment may have, from the least to the most protected. */
export const ENVIRONMENT_TIERS = ['development', 'testing', 'staging', 'production'] as const;
export type EnvironmentTier = (typeof ENVIRONMENT_TIERS)[number];

/** Which Kubernetes cluster an environment's deployments go to. */
export type EnvironmentCluster =
  /** The cluster the worker's kubernetes runner uses (in-cluster credentials or the worker's kubeconfig). */
  | { readonly kind: 'runner' }
  /** A kubeconfig (YAML) kept as a stored secret of that name. */
  | { readonly kind: 'kubeconfig'; readonly secret: string };

/** Who may deploy to an environment. Empty lists restrict nothing. */
export interface EnvironmentProtection {
  /**
   * User names and `role:<name>`: a deployment to the environment needs an
   * approval gate before it in its run, passed with an approval by one of them.
   */
  readonly approvers: readonly string[];
  /** Branch globs: a run whose trigger names a branch deploys only from a matching one. */
  readonly branches: readonly string[];
}

export interface EnvironmentSpec {
  readonly name: string;
  readonly title?: string;
  readonly tier: EnvironmentTier;
  /** The Kubernetes namespace deployments go to. */
  readonly kubernetesNamespace: string;
  readonly cluster: EnvironmentCluster;
  readonly protection: EnvironmentProtection;
  /** Per-environment values: `${{ environment.values.NAME }}` in manifest templates. */
  readonly values: Readonly<Record<string, string>>;
}

/** An environments file, as parsed: every environment of one namespace. */
export interface EnvironmentsSpec {
  /** The coflow namespace (first part of flow uris) these environments belong to. */
  readonly namespace: string;
  readonly environments: readonly EnvironmentSpec[];
  /** The Alertmanager receiver of the namespace: the stored secret its bearer token must equal. */
  readonly alerts?: { readonly tokenSecret: string };
}

/** The coflow namespace of a flow uri (`namespace/repository/name`). */
export function flowNamespace(flowUri: string): string {
  return flowUri.split('/')[0] ?? flowUri;
}

/** The default application of a flow's deployments: the repository part of its uri. */
export function defaultApplication(flowUri: string): string {
  return flowUri.split('/')[1] ?? flowUri;
}

/**
 * Whether every approver of a gate is among the environment's: an empty gate list (any operator) never is.
 * Here, not beside the checks in check-environments.ts: the run workflow calls it, and the checks import
 * the yaml library, which would be instantiated again for every workflow a worker holds in memory.
 */
export function gateWithinProtection(gateApprovers: readonly string[], protection: EnvironmentProtection): boolean {
  return gateApprovers.length > 0 && gateApprovers.every((a) => protection.approvers.includes(a));
}
