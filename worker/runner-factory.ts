/**
 * Builds the configured job runner (COFLOW_RUNNER): the one place that knows
 * both runners. The platform calls it once at start-up.
 */
import { KubeConfig } from '@kubernetes/client-node';
import Dockerode from 'dockerode';
import { DockerRunner } from '../activities/docker-runner.ts';
import { KubernetesRunner } from '../activities/kubernetes-runner.ts';
import type { JobRunner } from '../activities/runner.ts';
import type { KubernetesSettings, RunnerKind } from './config.ts';

export interface RunnerChoice {
  readonly runner?: RunnerKind;
  readonly dockerSocket: string;
  readonly kubernetes?: KubernetesSettings;
}

/** The runner chosen by the configuration; docker when none is named. */
export function createRunner(choice: RunnerChoice): JobRunner {
  if (choice.runner !== 'kubernetes') return new DockerRunner({ docker: new Dockerode({ socketPath: choice.dockerSocket }) });
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
    ...(settings.imagePullPolicy === undefined ? {} : { imagePullPolicy: settings.imagePullPolicy }),
  });
}
