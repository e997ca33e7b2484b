import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubernetesRunner } from './kubernetes-runner.ts';
import { dockerAttempt, PodTemplateError } from './pod-template.ts';
import type { ContainerSpec } from './runner.ts';

const TEMPLATE = `
apiVersion: v1
kind: Pod
metadata:
  name: ignored
  generateName: ignored-
  labels: { team: web, coflow.job: theirs }
  annotations: { note: kept }
spec:
  nodeSelector: { disk: ssd }
  tolerations: [ { key: dedicated, operator: Exists } ]
  securityContext: { runAsUser: 0 }
  serviceAccountName: builder
  volumes: [ { name: cache, emptyDir: {} } ]
  initContainers: [ { name: prepare, image: coflow/shell:1.0.0, command: [sh, -c, 'echo ready > /cache/state'], volumeMounts: [ { name: cache, mountPath: /cache } ] } ]
  containers:
    - name: build
      image: template/image:1
      command: [make]
      args: [all]
      workingDir: /src
      env: [ { name: MODE, value: template }, { name: GREETING, value: overridden }, { name: NODE, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } } ]
      resources: { requests: { cpu: 100m, ephemeral-storage: 1Gi }, limits: { memory: 1Gi } }
      volumeMounts: [ { name: cache, mountPath: /cache } ]
    - name: proxy
      image: coflow/shell:1.0.0
      command: [sleep, '3600']
`;

function spec(extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: 'co-tpl-1',
    image: 'coflow/shell:1.0.0',
    command: ['/bin/sh', '-c', 'echo hi'],
    env: { GREETING: 'hi', CO_FLOW: 'x' },
    labels: { 'coflow.run': 'a/b/c#1', 'coflow.job': 's.a.j', 'coflow.attempt': '1' },
    resources: { cpuMillis: 250 },
    timeoutMs: 60_000,
    podTemplate: TEMPLATE,
    ...extra,
  };
}

function runner(): KubernetesRunner {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x',
  });
  return new KubernetesRunner({ kubeConfig, namespace: 'ns', imagePullPolicy: 'Never', imagePullSecrets: ['regcred'] });
}

describe('a Pod template on the kubernetes runner', () => {
  it('gets coflow\'s name, namespace, labels, deadline and job container; keeps the rest', () => {
    const pod = runner().podFor(spec());
    expect(pod.metadata).toMatchObject({ name: 'co-tpl-1', namespace: 'ns', annotations: { note: 'kept', 'coflow.run': 'a/b/c#1' } });
    expect(pod.metadata).not.toHaveProperty('generateName');
    expect(pod.metadata?.labels).toMatchObject({ team: 'web', 'coflow.job': 's.a.j', 'app.kubernetes.io/managed-by': 'coflow' });
    const s = pod.spec!;
    expect(s).toMatchObject({
      restartPolicy: 'Never', activeDeadlineSeconds: 60, nodeSelector: { disk: 'ssd' }, securityContext: { runAsUser: 0 },
      serviceAccountName: 'builder', volumes: [{ name: 'cache', emptyDir: {} }], enableServiceLinks: false, imagePullSecrets: [{ name: 'regcred' }],
    });
    expect(s).not.toHaveProperty('automountServiceAccountToken'); // the template's account, mounted as it says
    expect(s.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists' }]);
    expect(s.initContainers?.map((c) => c.name)).toEqual(['prepare']);
    expect(s.containers.map((c) => c.name)).toEqual(['build', 'proxy']);
    expect(s.containers[1]).toEqual({ name: 'proxy', image: 'coflow/shell:1.0.0', command: ['sleep', '3600'] });
    expect(s.containers[0]).toEqual({
      name: 'build',
      image: 'coflow/shell:1.0.0',
      imagePullPolicy: 'Never',
      command: ['/bin/sh', '-c', 'echo hi'],
      workingDir: '/src',
      env: [
        { name: 'MODE', value: 'template' },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'GREETING', value: 'hi' },
        { name: 'CO_FLOW', value: 'x' },
      ],
      resources: { requests: { cpu: '250m', 'ephemeral-storage': '1Gi' }, limits: { cpu: '250m', memory: '1Gi' } },
      volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
    });
  });

  it('keeps the template\'s command line, pull policy and deadline when the job has none; the job\'s own pull policy wins', () => {
    const s = runner().podFor(spec({ command: undefined, timeoutMs: 0, podTemplate: 'activeDeadlineSeconds: 30\ncontainers: [ { image: t/i:1, imagePullPolicy: IfNotPresent, command: [make], args: [all] } ]' })).spec!;
    expect(s.activeDeadlineSeconds).toBe(30);
    expect(s.automountServiceAccountToken).toBe(false);
    expect(s.containers[0]).toMatchObject({ name: 'job', image: 'coflow/shell:1.0.0', imagePullPolicy: 'IfNotPresent', command: ['make'], args: ['all'] });
    expect(runner().podFor(spec({ pullPolicy: 'Always', podTemplate: 'containers: [ { imagePullPolicy: IfNotPresent } ]' })).spec!.containers[0]!.imagePullPolicy).toBe('Always');
  });

  it('keeps the template\'s volumes, mounts and affinity and adds the run\'s workspace to them', () => {
    const pod = runner().podFor(spec({ workspace: { volume: 'coflow-ws-abc', mountPath: '/workspace' } }));
    expect(pod.spec?.volumes).toEqual([{ name: 'workspace', persistentVolumeClaim: { claimName: 'coflow-ws-abc' } }, { name: 'cache', emptyDir: {} }]);
    expect(pod.spec?.containers[0]?.volumeMounts).toEqual([{ name: 'workspace', mountPath: '/workspace' }, { name: 'cache', mountPath: '/cache' }]);
    expect(pod.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { 'coflow.workspace': 'coflow-ws-abc' } }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(pod.metadata?.labels?.['coflow.workspace']).toBe('coflow-ws-abc');
    expect(pod.spec?.nodeSelector).toEqual({ disk: 'ssd' });
  });

  it('refuses a stored template it cannot use, without a retry', () => {
    expect(() => runner().podFor(spec({ podTemplate: 'kind: Deployment' }))).toThrow(PodTemplateError);
  });
});

describe('a Pod template on the docker runner', () => {
  it('takes the first container\'s command line (when the job has none), plain env and workingDir, and names what it ignores', () => {
    const { spec: s, workingDir, warnings } = dockerAttempt(spec({ command: undefined }));
    expect(s).toMatchObject({ command: ['make'], args: ['all'], env: { MODE: 'template', GREETING: 'hi', CO_FLOW: 'x' } });
    expect(workingDir).toBe('/src');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^the docker runner applied only the command, args, env, workingDir and imagePullPolicy of the kubectl Pod template's first container; ignored: /);
    for (const part of ['metadata.labels', 'nodeSelector', 'tolerations', 'securityContext', 'serviceAccountName', 'volumes', 'initContainers', 'the other containers (proxy)', 'containers[0].resources', 'containers[0].volumeMounts', 'env from sources (NODE)']) {
      expect(warnings[0]).toContain(part);
    }
    expect(dockerAttempt(spec()).spec.command).toEqual(['/bin/sh', '-c', 'echo hi']);
  });

  it('pulls by the template\'s imagePullPolicy when the job has none, and names one it does not know', () => {
    const template = (policy: string): Partial<ContainerSpec> => ({ podTemplate: `containers: [ { image: a/b:1, imagePullPolicy: ${policy} } ]` });
    expect(dockerAttempt(spec(template('Always')))).toMatchObject({ warnings: [], spec: { pullPolicy: 'Always' } });
    expect(dockerAttempt(spec({ ...template('Always'), pullPolicy: 'Never' })).spec.pullPolicy).toBe('Never');
    const unknown = dockerAttempt(spec(template('Sometimes')));
    expect(unknown.spec.pullPolicy).toBeUndefined();
    expect(unknown.warnings[0]).toContain('containers[0].imagePullPolicy "Sometimes" (not Always, IfNotPresent or Never)');
  });

  it('says nothing when it honours the whole template', () => {
    expect(dockerAttempt(spec({ podTemplate: 'containers: [ { image: a/b:1, env: [ { name: A, value: "1" } ] } ]' }))).toMatchObject({ warnings: [], spec: { env: { A: '1', GREETING: 'hi' } } });
    expect(dockerAttempt(spec({ podTemplate: undefined })).warnings).toEqual([]);
  });
});
