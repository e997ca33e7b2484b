/**
 * The deployment engine's activities against the test cluster, called
 * directly: a rolling apply and its rollout, a failing readiness probe and
 * the reason read back, prune, blue-green's switch and scale-down, canary
 * weights and abort. One Kubernetes namespace, created and deleted here.
 */
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAccess } from '../../activities/deploy/cluster-access.ts';
import { createDeployEngineActivities } from '../../activities/deploy/engine.ts';
import { DEPLOY_LABELS, type ApplyInput, type RenderInput } from '../../contracts/deploy.ts';
import type { StoredEnvironments } from '../../contracts/environments.ts';
import type { DeploySpec } from '../../flow/model.ts';
import { kubeConfig } from './support.ts';

const NS = 'coflow-deploy-engine';
const environments: StoredEnvironments = {
  namespace: 'acme',
  version: 1,
  source: '',
  createdAt: '2026-01-01T00:00:00Z',
  spec: {
    namespace: 'acme',
    environments: [{ name: 'dev', tier: 'development', kubernetesNamespace: NS, cluster: { kind: 'runner' }, protection: { approvers: [], branches: [] }, values: { GREETING: 'hello' } }],
  },
};
const engine = createDeployEngineActivities({
  clusters: new ClusterAccess({ environments: { getEnvironments: (ns) => Promise.resolve(ns === 'acme' ? environments : undefined) }, runnerKubeConfig: () => kubeConfig() }),
  pollMs: 250,
});
const apps = (): AppsV1Api => kubeConfig().makeApiClient(AppsV1Api);
const core = (): CoreV1Api => kubeConfig().makeApiClient(CoreV1Api);

/** A Deployment of the shell image whose readiness probe passes only when `ready`. */
function app(name: string, opts: { replicas: number; ready: boolean; version: string }): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${opts.replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} }, annotations: { version: "${opts.version}" } }
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: main
          image: coflow/shell:1.0.0
          imagePullPolicy: Never
          command: [sh, -c, '${opts.ready ? 'touch /tmp/ready; ' : ''}exec sleep 3600']
          readinessProbe: { exec: { command: [test, -f, /tmp/ready] }, periodSeconds: 1 }
`;
}

let ids = 0;
async function render(deploy: Partial<DeploySpec> & { manifest: DeploySpec['manifest'] }, previous?: string): Promise<string> {
  const input: RenderInput = {
    runId: 'r1', flowUri: 'acme/shop/deploy', jobPath: 'd.d.d', attempt: 1, namespace: 'acme', application: 'shop', workspace: false,
    deploy: { environment: 'dev', application: 'shop', strategy: 'rolling', ...deploy },
    contexts: { environment: { name: 'dev', values: { GREETING: 'hello' } } },
    ...(previous ? { previous: { id: 1, manifest: previous } } : {}),
  };
  const out = await engine.renderDeployment(input);
  if (!out.ok) throw new Error(out.reason);
  return out.manifest;
}
const applyInput = (manifest: string, more: Partial<ApplyInput> = {}): ApplyInput => ({
  namespace: 'acme', environment: 'dev', application: 'shop', deploymentId: ++ids, manifest, strategy: 'rolling', timeoutMs: 60_000, ...more,
});

beforeAll(async () => {
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
});
afterAll(async () => {
  await core().deleteNamespace({ name: NS }).catch(() => undefined);
});

describe('rolling', () => {
  it('applies, waits for the rollout, labels the objects, and prunes a removed ConfigMap', async () => {
    const config = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: greeting }\ndata: { text: "${{ environment.values.GREETING }}" }\n';
    const first = await render({ manifest: { inline: `${config}---\n${app('web', { replicas: 2, ready: true, version: '1' })}` } });
    const applied = await engine.applyDeployment(applyInput(first));
    expect(applied).toEqual({ ok: true, pruned: [] });
    const live = await apps().readNamespacedDeployment({ name: 'web', namespace: NS });
    expect(live.status?.availableReplicas).toBe(2);
    expect(live.metadata?.labels).toMatchObject({ [DEPLOY_LABELS.environment]: 'dev', [DEPLOY_LABELS.application]: 'shop', [DEPLOY_LABELS.deployment]: String(ids) });
    expect((await core().readNamespacedConfigMap({ name: 'greeting', namespace: NS })).data).toEqual({ text: 'hello' });

    const second = await render({ manifest: { inline: app('web', { replicas: 2, ready: true, version: '2' }) } });
    const again = await engine.applyDeployment(applyInput(second, { previousManifest: first }));
    expect(again).toEqual({ ok: true, pruned: [`ConfigMap/${NS}/greeting`] });
    await expect(core().readNamespacedConfigMap({ name: 'greeting', namespace: NS })).rejects.toThrow();
  });

  it('fails within the timeout when the readiness probe fails, and says so', async () => {
    const manifest = await render({ manifest: { inline: app('sick', { replicas: 1, ready: false, version: '1' }) } });
    const started = Date.now();
    const out = await engine.applyDeployment(applyInput(manifest, { timeoutMs: 8_000 }));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/^deployment\/sick: 1\/1 replicas not ready: readiness probe failed/);
  });
});

describe('blue-green', () => {
  it('switches the Service once the new colour is ready and keeps the old one until its scale-down', async () => {
    const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: bg }\nspec: { selector: { app: bg }, ports: [{ port: 80 }] }\n';
    const spec = { strategy: 'blue-green' as const, blueGreen: { service: 'bg', scaleDownAfterMs: 0 } };
    const blue = await render({ ...spec, manifest: { inline: `${app('bg', { replicas: 1, ready: true, version: '1' })}---\n${service}` } });
    expect((await engine.applyDeployment(applyInput(blue, spec))).ok).toBe(true);
    const green = await render({ ...spec, manifest: { inline: `${app('bg', { replicas: 1, ready: true, version: '2' })}---\n${service}` } }, blue);
    expect(await engine.applyDeployment(applyInput(green, { ...spec, previousManifest: blue }))).toEqual({ ok: true, pruned: [] });
    expect((await core().readNamespacedService({ name: 'bg', namespace: NS })).spec?.selector).toEqual({ app: 'bg', [DEPLOY_LABELS.colour]: 'green' });
    expect((await apps().readNamespacedDeployment({ name: 'bg-blue', namespace: NS })).spec?.replicas).toBe(1);

    const pair = { namespace: 'acme', environment: 'dev', application: 'shop', deploymentId: ids };
    expect(await engine.scaleDownColour({ ...pair, colour: 'blue' })).toEqual({ scaled: true });
    expect((await apps().readNamespacedDeployment({ name: 'bg-blue', namespace: NS })).spec?.replicas).toBe(0);
    const live = await engine.scaleDownColour({ ...pair, colour: 'green' });
    expect(live.scaled).toBe(false);
    expect(live.reason).toMatch(/service\/bg selects green/);
  });
});

describe('canary', () => {
  it('runs ceil(weight × replicas) on the canary, and an abort gives the stable version its replicas back', async () => {
    const spec = { strategy: 'canary' as const, canary: { steps: [{ weight: 25 }] } };
    const v1 = await render({ ...spec, manifest: { inline: app('can', { replicas: 4, ready: true, version: '1' }) } });
    expect((await engine.canaryStep({ ...applyInput(v1, spec), weight: 25 })).ok).toBe(true);
    const v2 = await render({ ...spec, manifest: { inline: app('can', { replicas: 4, ready: true, version: '2' }) } });
    expect(await engine.canaryStep({ ...applyInput(v2, { ...spec, previousManifest: v1 }), weight: 25 })).toEqual({ ok: true, pruned: [] });
    const canary = await apps().readNamespacedDeployment({ name: 'can-canary', namespace: NS });
    expect([canary.spec?.replicas, (await apps().readNamespacedDeployment({ name: 'can', namespace: NS })).spec?.replicas]).toEqual([1, 3]);
    expect(canary.spec?.template.metadata?.labels?.[DEPLOY_LABELS.track]).toBe('canary');

    expect((await engine.canaryAbort(applyInput(v2, { ...spec, previousManifest: v1 }))).ok).toBe(true);
    await expect(apps().readNamespacedDeployment({ name: 'can-canary', namespace: NS })).rejects.toThrow();
    const stable = await apps().readNamespacedDeployment({ name: 'can', namespace: NS });
    expect([stable.spec?.replicas, stable.status?.availableReplicas, stable.spec?.template.metadata?.annotations?.version]).toEqual([4, 4, '1']);
  });
});
