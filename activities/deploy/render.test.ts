import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { DEPLOY_LABELS } from '../../contracts/deploy.ts';
import { canarySplit } from './canary-plan.ts';
import { workspacePath } from './manifest-source.ts';
import { renderManifest, type RenderSettings } from './render.ts';
import { notReadyReason, podProblem } from './rollout-reason.ts';

const settings: RenderSettings = { environment: 'prod', application: 'shop', kubernetesNamespace: 'shop-prod', strategy: 'rolling', contexts: { environment: { values: { TAG: 'v2' } } } };
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: "shop:\${{ environment.values.TAG }}", env: [{ name: PW, value: "\${{ secrets.DB_PW }}" }] }] }
`;
const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { selector: { app: web } }\n';
type Obj = { kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> } & Record<string, unknown>;
    template: { metadata: { labels: Record<string, string> }; spec: { containers: { env: { value: string }[] }[] } };
  };
};
const objects = (manifest: string): Obj[] => parseAllDocuments(manifest).map((d) => d.toJS() as Obj);

describe('renderManifest', () => {
  it('evaluates expressions but leaves secrets as written, labels objects and pod templates, sets the namespace, lists images', () => {
    const out = renderManifest(`${deployment}---\n${service}`, settings);
    const [d, s] = objects(out.manifest);
    const pair = { [DEPLOY_LABELS.environment]: 'prod', [DEPLOY_LABELS.application]: 'shop' };
    expect(d!.metadata).toMatchObject({ namespace: 'shop-prod', labels: pair });
    expect(d!.spec.template.metadata.labels).toEqual({ app: 'web', ...pair });
    expect(d!.spec.template.spec.containers[0]?.env[0]?.value).toBe('${{ secrets.DB_PW }}');
    expect(s!.metadata.namespace).toBe('shop-prod');
    expect(out.images).toEqual(['shop:v2']);
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(renderManifest(`${deployment}---\n${service}`, settings).digest).toBe(out.digest);
  });

  it.each([
    ['- a\n- b\n', /document 1 is not an object/],
    ['apiVersion: v1\nmetadata: { name: x }\n', /document 1 has no kind/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', /\(ConfigMap\) has no metadata.name/],
    ['apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n', /namespace\/x: Namespace is cluster-scoped/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: other }\n', /configmap\/x: names namespace other, but the environment deploys to namespace shop-prod/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x\n', /document 1: /],
    ['', /the manifest has no objects/],
  ])('refuses %j', (text, reason) => {
    expect(() => renderManifest(text, settings)).toThrow(reason);
  });

  it('blue-green: blue first, then the other colour; names, selectors and the Service follow the colour', () => {
    const bg: RenderSettings = { ...settings, strategy: 'blue-green', blueGreenService: 'web' };
    const blue = renderManifest(`${deployment}---\n${service}`, bg);
    expect(blue.colour).toBe('blue');
    const green = renderManifest(`${deployment}---\n${service}`, { ...bg, previousManifest: blue.manifest });
    expect(green.colour).toBe('green');
    const [d, s] = objects(green.manifest);
    expect(d!.metadata.name).toBe('web-green');
    expect(d!.metadata.labels[DEPLOY_LABELS.colour]).toBe('green');
    expect(d!.spec.selector.matchLabels).toEqual({ app: 'web', [DEPLOY_LABELS.colour]: 'green' });
    expect(d!.spec.template.metadata.labels[DEPLOY_LABELS.colour]).toBe('green');
    expect(s!.spec.selector).toEqual({ app: 'web', [DEPLOY_LABELS.colour]: 'green' });
    expect(renderManifest(`${deployment}---\n${service}`, { ...bg, previousManifest: green.manifest }).colour).toBe('blue');
    expect(() => renderManifest(service, bg)).toThrow(/needs a Deployment/);
    expect(() => renderManifest('apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db }\n', bg)).toThrow(/statefulset\/db: blue-green deploys Deployments only/);
  });

  it('canary: pods are on the stable track, replicas explicit, and a Service may not select on the track', () => {
    const out = renderManifest(deployment.replace('  replicas: 3\n', ''), { ...settings, strategy: 'canary' });
    const [d] = objects(out.manifest);
    expect(d!.spec.replicas).toBe(1);
    expect(d!.spec.template.metadata.labels[DEPLOY_LABELS.track]).toBe('stable');
    const tracked = service.replace('{ app: web }', `{ app: web, ${DEPLOY_LABELS.track}: stable }`);
    expect(() => renderManifest(`${deployment}---\n${tracked}`, { ...settings, strategy: 'canary' })).toThrow(/service\/web: its selector names coflow.io\/track/);
  });
});

describe('canarySplit', () => {
  it.each([
    [4, 25, 1, 3],
    [4, 26, 2, 2],
    [3, 10, 1, 2],
    [1, 10, 1, 0],
    [10, 50, 5, 5],
    [5, 100, 5, 0],
  ])('%i replicas at %i percent: canary %i, stable %i', (total, weight, canary, stable) => {
    expect(canarySplit(total, weight)).toEqual({ canary, stable });
  });
  it('refuses weights outside 1–100', () => {
    expect(() => canarySplit(4, 0)).toThrow(/1–100/);
    expect(() => canarySplit(4, 101)).toThrow(/1–100/);
  });
});

describe('rollout reasons', () => {
  const pod = (status: object) => ({ metadata: { name: 'web-1' }, status }) as never;
  it('names a stuck container first, then the probe, then the fallback', () => {
    const pulling = pod({ containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "shop:v9"' } } }] });
    expect(podProblem([pulling], [])).toBe('container web: ImagePullBackOff: Back-off pulling image "shop:v9"');
    const events = [{ type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', involvedObject: { name: 'web-1' }, metadata: {}, lastTimestamp: new Date() }] as never[];
    expect(notReadyReason('deployment/shop', 2, 3, podProblem([pod({ phase: 'Running' })], events), 'x')).toBe(
      'deployment/shop: 2/3 replicas not ready: readiness probe failed: HTTP probe failed with statuscode: 503',
    );
    expect(notReadyReason('deployment/shop', 1, 1, podProblem([], []), 'rollout did not finish within 5 s')).toBe('deployment/shop: 1/1 replicas not ready: rollout did not finish within 5 s');
  });
});

describe('workspacePath', () => {
  it('keeps paths inside the workspace', () => {
    expect(workspacePath('./deploy/k8s/')).toBe('deploy/k8s/');
    expect(() => workspacePath('../etc')).toThrow(/inside the run's workspace/);
    expect(() => workspacePath('/etc/passwd')).toThrow(/inside the run's workspace/);
  });
});

it('stored manifests stay YAML', () => {
  expect(parse(renderManifest(service, settings).manifest)).toMatchObject({ kind: 'Service' });
});
