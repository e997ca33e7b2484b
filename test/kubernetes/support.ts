/**
 * Helpers of the kubernetes tests: the runner on the test cluster, a look at
 * the Pods it leaves, and a count of the Pods a run ever had.
 */
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { KubernetesRunner, labelValue, type KubernetesRunnerOptions } from '../../activities/kubernetes-runner.ts';
import type { RunCensus } from '../support/worker-loss-suite.ts';

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

/**
 * Counts a run's Pods by watch from now on: the UIDs of every Pod created
 * (deleted ones included), resumed from the last version when the server or
 * the client's idle timeout ends the watch.
 */
export async function podCensus(runId: string, namespace = inject('k8sNamespace')): Promise<RunCensus> {
  const labelSelector = `coflow.run=${labelValue(runId)}`;
  const uids = new Set<string>();
  const list = await core().listNamespacedPod({ namespace, labelSelector });
  for (const pod of list.items) uids.add(pod.metadata?.uid ?? '');
  let resourceVersion = list.metadata?.resourceVersion ?? '0';
  let controller: AbortController | undefined;
  let stopped = false;
  const watch = new Watch(kubeConfig());
  const connect = async (): Promise<void> => {
    controller = await watch.watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { labelSelector, resourceVersion, allowWatchBookmarks: true },
      (_type: string, pod: V1Pod) => {
        if (pod.metadata?.resourceVersion) resourceVersion = pod.metadata.resourceVersion;
        if (pod.metadata?.uid) uids.add(pod.metadata.uid);
      },
      () => {
        if (!stopped) connect().catch(() => undefined);
      },
    );
  };
  await connect();
  const existing = async (): Promise<string[]> => (await core().listNamespacedPod({ namespace, labelSelector })).items.map((p) => p.metadata?.uid ?? '');
  return {
    // The watch delivers a little after the API answers: read once more, so a Pod seen in a list is counted.
    created: async () => {
      for (const uid of await existing()) uids.add(uid);
      return [...uids];
    },
    existing,
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
