/**
 * Which cluster and Kubernetes namespace an environment deploys to: the
 * worker's own Kubernetes configuration (`cluster: runner`) or a kubeconfig
 * kept as a stored secret (`kubeconfig: { secret }`). Clients are kept for a
 * short while, so the steps of one deployment share them; a changed
 * environments file or secret is seen after at most that long.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { EnvironmentSpec } from '../../contracts/environments.ts';
import type { SecretResolver } from '../../contracts/secrets.ts';
import type { EnvironmentStore } from '../../store/store.ts';

/** The environment cannot be reached as configured: a retry does not help. */
export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

export interface EnvironmentCluster {
  readonly environment: EnvironmentSpec;
  readonly kubeConfig: KubeConfig;
  /** The environment's Kubernetes namespace. */
  readonly namespace: string;
}

export interface ClusterAccessOptions {
  readonly environments: Pick<EnvironmentStore, 'getEnvironments'>;
  readonly secrets?: SecretResolver;
  /**
   * The worker's own Kubernetes configuration (the kubernetes runner's, or
   * COFLOW_KUBECONFIG under the docker runner); undefined when it has none.
   */
  readonly runnerKubeConfig?: () => KubeConfig | undefined;
  /** How long a client is reused; default 30 s. */
  readonly cacheMs?: number;
}

export class ClusterAccess {
  readonly #o: ClusterAccessOptions;
  readonly #cache = new Map<string, { at: number; cluster: EnvironmentCluster }>();

  constructor(options: ClusterAccessOptions) {
    this.#o = options;
  }

  /** The cluster of environment `name` of coflow namespace `namespace`. */
  async forEnvironment(namespace: string, name: string): Promise<EnvironmentCluster> {
    const key = `${namespace}\u0000${name}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined && Date.now() - cached.at < (this.#o.cacheMs ?? 30_000)) return cached.cluster;
    const stored = await this.#o.environments.getEnvironments(namespace);
    const environment = stored?.spec.environments.find((e) => e.name === name);
    if (environment === undefined) throw new ClusterConfigError(`environment ${name} is not declared for namespace ${namespace} (coflow environments apply)`);
    const cluster = { environment, kubeConfig: await this.#kubeConfig(environment), namespace: environment.kubernetesNamespace };
    this.#cache.set(key, { at: Date.now(), cluster });
    return cluster;
  }

  async #kubeConfig(environment: EnvironmentSpec): Promise<KubeConfig> {
    const { cluster } = environment;
    if (cluster.kind === 'runner') {
      const kc = this.#o.runnerKubeConfig?.();
      if (kc === undefined) {
        throw new ClusterConfigError(
          `environment ${environment.name} deploys to the runner's cluster, but this worker has no Kubernetes configuration (set COFLOW_KUBECONFIG, or run the worker with COFLOW_RUNNER=kubernetes)`,
        );
      }
      return kc;
    }
    const yaml = await this.#o.secrets?.(cluster.secret);
    if (yaml === undefined) throw new ClusterConfigError(`environment ${environment.name}: its kubeconfig secret ${cluster.secret} is not defined`);
    const kc = new KubeConfig();
    try {
      kc.loadFromString(yaml);
    } catch (err) {
      throw new ClusterConfigError(`environment ${environment.name}: secret ${cluster.secret} is not a kubeconfig: ${(err as Error).message}`);
    }
    if (kc.getCurrentCluster() === null) throw new ClusterConfigError(`environment ${environment.name}: the kubeconfig in secret ${cluster.secret} names no current cluster`);
    return kc;
  }
}
