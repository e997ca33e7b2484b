import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { EnvironmentSpec, StoredEnvironments } from '../../contracts/environments.ts';
import { ClusterAccess } from './cluster-access.ts';

const env = (name: string, cluster: EnvironmentSpec['cluster']): EnvironmentSpec => ({
  name, tier: 'production', kubernetesNamespace: `shop-${name}`, cluster, protection: { approvers: [], branches: [] }, values: {},
});
const stored: StoredEnvironments = {
  namespace: 'acme', version: 1, source: '', createdAt: '2026-01-01T00:00:00Z',
  spec: { namespace: 'acme', environments: [env('dev', { kind: 'runner' }), env('prod', { kind: 'kubeconfig', secret: 'PROD_KUBE' })] },
};
const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: prod, cluster: { server: "https://prod.example:6443" } }]
users: [{ name: deployer, user: { token: abc } }]
contexts: [{ name: prod, context: { cluster: prod, user: deployer } }]
current-context: prod
`;
const secrets: Record<string, string> = { PROD_KUBE: kubeconfig, NOT_KUBE: 'just: text' };
const access = (runner?: KubeConfig): ClusterAccess =>
  new ClusterAccess({ environments: { getEnvironments: (ns) => Promise.resolve(ns === 'acme' ? stored : undefined) }, secrets: (n) => Promise.resolve(secrets[n]), runnerKubeConfig: () => runner });

describe('ClusterAccess', () => {
  it('uses the stored kubeconfig secret and the environment namespace', async () => {
    const cluster = await access().forEnvironment('acme', 'prod');
    expect([cluster.namespace, cluster.kubeConfig.getCurrentCluster()?.server]).toEqual(['shop-prod', 'https://prod.example:6443']);
  });

  it('says what to set when the worker has no Kubernetes configuration for cluster: runner', async () => {
    await expect(access().forEnvironment('acme', 'dev')).rejects.toThrow(
      "environment dev deploys to the runner's cluster, but this worker has no Kubernetes configuration (set COFLOW_KUBECONFIG",
    );
    const own = new KubeConfig();
    own.loadFromString(kubeconfig);
    expect((await access(own).forEnvironment('acme', 'dev')).kubeConfig).toBe(own);
  });

  it('names an unknown environment, a missing secret and a secret that is no kubeconfig', async () => {
    await expect(access().forEnvironment('acme', 'qa')).rejects.toThrow('environment qa is not declared for namespace acme');
    const broken = (secret: string): ClusterAccess =>
      new ClusterAccess({
        environments: { getEnvironments: () => Promise.resolve({ ...stored, spec: { ...stored.spec, environments: [env('prod', { kind: 'kubeconfig', secret })] } }) },
        secrets: (n) => Promise.resolve(secrets[n]),
      });
    await expect(broken('GONE').forEnvironment('acme', 'prod')).rejects.toThrow('environment prod: its kubeconfig secret GONE is not defined');
    await expect(broken('NOT_KUBE').forEnvironment('acme', 'prod')).rejects.toThrow(/environment prod: .*NOT_KUBE/);
  });
});
