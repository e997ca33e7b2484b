/**
 * Builds the configured job runner (COFLOW_RUNNER): the one place that knows
 * both runners. The platform calls it once at start-up.
 */
import { KubeConfig } from '@kubernetes/client-node';
import Dockerode from 'dockerode';
import { DockerRunner } from '../activities/docker-runner.ts';
import { KubernetesRunner } from '../activities/kubernetes-runner.ts';
import type { JobRunner } from '../activities/runner.ts';
import type { ImagePullPolicy } from '../flow/model.ts';
import type { KubernetesSettings, RunnerKind } from './config.ts';

export interface RunnerChoice {
  readonly runner?: RunnerKind;
  readonly dockerSocket: string;
  readonly kubernetes?: KubernetesSettings;
  /** Both runners' pull policy for jobs that set none (the kubernetes settings' own wins there). */
  readonly imagePullPolicy?: ImagePullPolicy;
}

/** The runner chosen by the configuration; docker when none is named. */
export function createRunner(choice: RunnerChoice): JobRunner {
  const policy = choice.imagePullPolicy;
  if (choice.runner !== 'kubernetes') {
    return new DockerRunner({ docker: new Dockerode({ socketPath: choice.dockerSocket }), ...(policy === undefined ? {} : { imagePullPolicy: policy }) });
  }
  const settings = choice.kubernetes ?? { namespace: 'default', imagePullSecrets: [] };
  const kubeConfig = new KubeConfig();
  // Without an explicit file: KUBECONFIG, ~/.kube/config, then the in-cluster service account.
  if (settings.kubeconfig === undefined) kubeConfig.loadFromDefault();
  else kubeConfig.loadFromFile(settings.kubeconfig);
  return new KubernetesRunner({
    kubeConfig,
    namespace: settings.namespace,
    imagePullSecrets: settings.imagePullSecrets,
    ...(settings.serviceAccount === undefined ? {} : { serviceAccount: settings.serviceAccount }),
    ...((settings.imagePullPolicy ?? policy) === undefined ? {} : { imagePullPolicy: settings.imagePullPolicy ?? policy }),
    ...(settings.workspace === undefined ? {} : { workspace: settings.workspace }),
  });
}
