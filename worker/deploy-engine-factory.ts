/**
 * Builds the deployment engine's activities (activities/deploy/) for the
 * configured runner: the runner's Kubernetes configuration for environments
 * with `cluster: runner`, and the WorkspaceExec of the runner's workspaces.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import Dockerode from 'dockerode';
import { ClusterAccess } from '../activities/deploy/cluster-access.ts';
import { DockerWorkspaceExec } from '../activities/deploy/docker-workspace-exec.ts';
import { createDeployEngineActivities, DEFAULT_HELPER_IMAGE } from '../activities/deploy/engine.ts';
import { KubernetesWorkspaceExec } from '../activities/deploy/kubernetes-workspace-exec.ts';
import { DEFAULT_CLAIM } from '../activities/kubernetes-workspace.ts';
import type { WorkspaceExec } from '../activities/deploy/workspace-exec.ts';
import type { DeployEngineActivities } from '../contracts/deploy.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import type { EnvironmentStore } from '../store/store.ts';
import type { KubernetesSettings, RunnerKind } from './config.ts';

export interface DeployEngineChoice {
  readonly runner?: RunnerKind;
  readonly dockerSocket: string;
  readonly kubernetes?: KubernetesSettings;
  readonly store: Pick<EnvironmentStore, 'getEnvironments'>;
  readonly secrets: SecretResolver;
  /** COFLOW_DEPLOY_HELPER_IMAGE. */
  readonly helperImage?: string;
}

/**
 * The worker's own Kubernetes configuration: under the kubernetes runner the
 * runner's (its kubeconfig, else KUBECONFIG, ~/.kube/config, in-cluster);
 * under the docker runner only an explicit COFLOW_KUBECONFIG.
 */
function runnerKubeConfig(choice: DeployEngineChoice): KubeConfig | undefined {
  const file = choice.kubernetes?.kubeconfig;
  if (choice.runner !== 'kubernetes' && file === undefined) return undefined;
  const kc = new KubeConfig();
  if (file === undefined) kc.loadFromDefault();
  else kc.loadFromFile(file);
  return kc;
}

/** The engine's activities, and the WorkspaceExec they use (lead time reads `git log` with it too). */
export function createDeployEngine(choice: DeployEngineChoice): { activities: DeployEngineActivities; workspace: WorkspaceExec } {
  const image = choice.helperImage ?? DEFAULT_HELPER_IMAGE;
  let kubeConfig: KubeConfig | undefined | null = null;
  const ownConfig = (): KubeConfig | undefined => {
    if (kubeConfig === null) kubeConfig = runnerKubeConfig(choice);
    return kubeConfig;
  };
  const settings = choice.kubernetes;
  const workspace =
    choice.runner === 'kubernetes'
      ? new KubernetesWorkspaceExec({
          core: (ownConfig() ?? new KubeConfig()).makeApiClient(CoreV1Api),
          namespace: settings?.namespace ?? 'default',
          claim: settings?.workspace ?? DEFAULT_CLAIM,
          image,
          imagePullPolicy: settings?.imagePullPolicy ?? 'IfNotPresent',
        })
      : new DockerWorkspaceExec({ docker: new Dockerode({ socketPath: choice.dockerSocket }), image });
  const activities = createDeployEngineActivities({
    clusters: new ClusterAccess({ environments: choice.store, secrets: choice.secrets, runnerKubeConfig: ownConfig }),
    workspace,
    helperImage: image,
    secrets: choice.secrets,
  });
  return { activities, workspace };
}
