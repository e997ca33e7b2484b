/**
 * Helpers of the kubernetes tests: the runner on the test cluster and a look
 * at the Pods it leaves.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { KubernetesRunner, labelValue, type KubernetesRunnerOptions } from '../../activities/kubernetes-runner.ts';

export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return kc;
}

export function core(): CoreV1Api {
  return kubeConfig().makeApiClient(CoreV1Api);
}

/** The runner as the tests use it: local images only (`imagePullPolicy: Never`). */
export function testRunner(options: Partial<KubernetesRunnerOptions> = {}): KubernetesRunner {
  return new KubernetesRunner({ kubeConfig: kubeConfig(), namespace: inject('k8sNamespace'), imagePullPolicy: 'Never', ...options });
}

/** Pods (any phase) labelled with a run. */
export async function podsOfRun(runId: string): Promise<string[]> {
  const list = await core().listNamespacedPod({ namespace: inject('k8sNamespace'), labelSelector: `coflow.run=${labelValue(runId)}` });
  return list.items.map((p) => p.metadata?.name ?? '');
}
