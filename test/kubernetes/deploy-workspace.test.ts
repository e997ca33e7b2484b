/**
 * `file:` manifests of deploy jobs on the kubernetes runner: the helper Pod
 * (coflow/kubectl) mounts the run's workspace claim and reads a file, a
 * folder, and a kustomization; a missing path is a clear refusal.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterAccess } from '../../activities/deploy/cluster-access.ts';
import { createDeployEngineActivities, DEFAULT_HELPER_IMAGE } from '../../activities/deploy/engine.ts';
import { KubernetesWorkspaceExec } from '../../activities/deploy/kubernetes-workspace-exec.ts';
import { DEFAULT_CLAIM, KubernetesWorkspaces } from '../../activities/kubernetes-workspace.ts';
import { labelValue } from '../../activities/kubernetes-runner.ts';
import { workspaceVolume } from '../../activities/workspace-name.ts';
import type { StoredEnvironments } from '../../contracts/environments.ts';
import { MANIFEST_CASES, WRITE_MANIFESTS } from '../support/deploy-manifest-files.ts';
import { repoRoot } from '../support/paths.ts';
import { kubeConfig } from './support.ts';

const NS = 'coflow-deploy-workspace';
const RUN = 'acme/shop/deploy#1';
const core = (): CoreV1Api => kubeConfig().makeApiClient(CoreV1Api);
const environments: StoredEnvironments = {
  namespace: 'acme', version: 1, source: '', createdAt: '2026-01-01T00:00:00Z',
  spec: { namespace: 'acme', environments: [{ name: 'dev', tier: 'development', kubernetesNamespace: 'shop-dev', cluster: { kind: 'runner' }, protection: { approvers: [], branches: [] }, values: {} }] },
};
const engine = createDeployEngineActivities({
  clusters: new ClusterAccess({ environments: { getEnvironments: () => Promise.resolve(environments) }, runnerKubeConfig: () => kubeConfig() }),
  workspace: new KubernetesWorkspaceExec({ core: core(), namespace: NS, claim: DEFAULT_CLAIM, image: DEFAULT_HELPER_IMAGE, imagePullPolicy: 'Never' }),
});

async function podDone(name: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const phase = (await core().readNamespacedPod({ name, namespace: NS })).status?.phase;
    if (phase === 'Succeeded') return;
    if (phase === 'Failed') throw new Error(`pod ${name} failed`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`pod ${name} did not finish`);
}

beforeAll(async () => {
  execFileSync('bash', [join(repoRoot, 'scripts/k8s/cluster.sh'), 'images', DEFAULT_HELPER_IMAGE], { stdio: 'inherit' });
  await core().createNamespace({ body: { metadata: { name: NS } } });
  for (let i = 0; ; i++) {
    try {
      await core().readNamespacedServiceAccount({ name: 'default', namespace: NS });
      break;
    } catch (err) {
      if (i > 120) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const volume = workspaceVolume(RUN);
  await new KubernetesWorkspaces({ core: core(), namespace: NS, claim: DEFAULT_CLAIM, labelValue, imagePullPolicy: 'Never' }).ensureClaim(volume, { 'coflow.run': RUN });
  await core().createNamespacedPod({
    namespace: NS,
    body: {
      metadata: { name: 'fill' },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'ws', persistentVolumeClaim: { claimName: volume } }],
        containers: [{ name: 'fill', image: 'coflow/shell:1.0.0', imagePullPolicy: 'Never', command: ['sh', '-c', WRITE_MANIFESTS], volumeMounts: [{ name: 'ws', mountPath: '/workspace' }] }],
      },
    },
  });
  await podDone('fill');
}, 180_000);
afterAll(async () => {
  await core().deleteNamespace({ name: NS }).catch(() => undefined);
});

const render = (file: string) =>
  engine.renderDeployment({
    runId: RUN, flowUri: 'acme/shop/deploy', jobPath: 'd.d.d', attempt: 1, namespace: 'acme', application: 'shop', workspace: true,
    deploy: { environment: 'dev', application: 'shop', strategy: 'rolling', manifest: { file } },
    contexts: { environment: { values: { TAG: 'v7' } } },
  });

it('reads a file, a folder of YAML files and a kustomization from the workspace claim', async () => {
  for (const { file, names } of MANIFEST_CASES) {
    const out = await render(file);
    if (!out.ok) throw new Error(`${file}: ${out.reason}`);
    const objects = parseAllDocuments(out.manifest).map((d) => d.toJS() as { metadata: { name: string; namespace: string }; data?: Record<string, string> });
    expect(objects.map((o) => o.metadata.name), file).toEqual(names);
    expect(objects.every((o) => o.metadata.namespace === 'shop-dev')).toBe(true);
    if (file === 'deploy/one.yaml') expect(objects[0]?.data).toEqual({ tag: 'v7' });
  }
  expect(await render('deploy/none.yaml')).toEqual({ ok: false, retryable: false, reason: "no file or folder deploy/none.yaml in the run's workspace" });
  expect((await core().listNamespacedPod({ namespace: NS })).items.map((p) => p.metadata?.name)).toEqual(['fill']);
});
