import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubernetesRunner } from './kubernetes-runner.ts';

describe('a workspace job Pod', () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  const podOf = (runner: KubernetesRunner) =>
    runner.podFor({
      name: 'p', image: 'i:1', env: {}, labels: { 'coflow.run': 'f#1' }, resources: {}, timeoutMs: 0,
      workspace: { volume: 'coflow-ws-abc', mountPath: '/workspace' },
    });

  it('mounts the run claim at /workspace and, ReadWriteOnce, is kept on the node of the other Pods of that workspace', () => {
    const pod = podOf(new KubernetesRunner({ kubeConfig }));
    expect(pod.spec?.volumes).toEqual([{ name: 'workspace', persistentVolumeClaim: { claimName: 'coflow-ws-abc' } }]);
    expect(pod.spec?.containers[0]?.volumeMounts).toEqual([{ name: 'workspace', mountPath: '/workspace' }]);
    expect(pod.metadata?.labels?.['coflow.workspace']).toBe('coflow-ws-abc');
    expect(pod.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { 'coflow.workspace': 'coflow-ws-abc' } }, topologyKey: 'kubernetes.io/hostname' },
    ]);
  });

  it('needs no affinity with ReadWriteMany', () => {
    const pod = podOf(new KubernetesRunner({ kubeConfig, workspace: { size: '1Gi', accessMode: 'ReadWriteMany' } }));
    expect(pod.spec?.volumes).toHaveLength(1);
    expect(pod.spec?.affinity).toBeUndefined();
  });

  it('has no volume, mount or affinity without a workspace', () => {
    const pod = new KubernetesRunner({ kubeConfig }).podFor({ name: 'p', image: 'i:1', env: {}, labels: {}, resources: {}, timeoutMs: 0 });
    expect(pod.spec?.volumes).toBeUndefined();
    expect(pod.spec?.affinity).toBeUndefined();
    expect(pod.spec?.containers[0]?.volumeMounts).toBeUndefined();
  });
});
