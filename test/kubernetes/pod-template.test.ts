/**
 * `kubectl:` Pod templates on the kubernetes runner, on the real cluster: the
 * Pod is the template with coflow's job merged into its first container, and
 * keeps the template's volume, init container, sidecar, node selector and
 * labels; a kubectl-only job runs its template's image and command through a flow.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { allLogs, applyAndRun, job, startHarness, type Harness } from '../support/harness.ts';
import { core, podsOfRun, testRunner } from './support.ts';

const TEMPLATE = `apiVersion: v1
kind: Pod
metadata: { labels: { team: web }, annotations: { owner: platform } }
spec:
  nodeSelector: { kubernetes.io/hostname: coflow-node }
  volumes: [ { name: cache, emptyDir: {} } ]
  initContainers:
    - { name: prepare, image: coflow/shell:1.0.0, command: [/bin/sh, -c, 'echo prepared > /cache/state'], volumeMounts: [ { name: cache, mountPath: /cache } ] }
  containers:
    - name: build
      image: coflow/shell:1.0.0
      env: [ { name: MODE, value: template }, { name: NODE, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } } ]
      volumeMounts: [ { name: cache, mountPath: /cache } ]
    - { name: sidecar, image: coflow/shell:1.0.0, command: [/bin/sh, -c, 'sleep 3600'] }
`;

describe('a Pod template on the kubernetes runner', () => {
  it('runs coflow\'s job in the template\'s first container, with its volume, init container, sidecar, node selector and labels', async () => {
    const name = 'co-k8s-template';
    let live: V1Pod | undefined;
    const lines: string[] = [];
    const result = await testRunner().run(
      {
        name,
        image: 'coflow/shell:1.0.0',
        command: ['/bin/sh', '-c', 'echo "$MODE $GREETING on $NODE: $(cat /cache/state)"'],
        env: { GREETING: 'hi' },
        labels: { 'coflow.run': `test/k8s/template#1`, 'coflow.job': 's.a.j', 'coflow.attempt': '1' },
        resources: { memoryBytes: 64 * 1024 * 1024 },
        timeoutMs: 60_000,
        podTemplate: TEMPLATE,
      },
      {
        onLine: async (l) => {
          live ??= await core().readNamespacedPod({ name, namespace: inject('k8sNamespace') });
          lines.push(l.text);
        },
        signal: new AbortController().signal,
      },
    );
    // The job container exited; the sidecar that would sleep for an hour did not hold the attempt.
    expect(result).toEqual({ exitCode: 0, timedOut: false, cancelled: false });
    expect(lines).toEqual(['template hi on coflow-node: prepared']);
    expect(live?.metadata?.labels).toMatchObject({ team: 'web', 'coflow.job': 's.a.j', 'app.kubernetes.io/managed-by': 'coflow' });
    expect(live?.metadata?.annotations).toMatchObject({ owner: 'platform', 'coflow.run': 'test/k8s/template#1' });
    expect(live?.spec).toMatchObject({ nodeSelector: { 'kubernetes.io/hostname': 'coflow-node' }, activeDeadlineSeconds: 60, restartPolicy: 'Never' });
    expect(live?.spec?.volumes?.map((v) => v.name)).toContain('cache');
    expect(live?.spec?.initContainers?.map((c) => c.name)).toEqual(['prepare']);
    expect(live?.spec?.containers.map((c) => [c.name, c.image])).toEqual([['build', 'coflow/shell:1.0.0'], ['sidecar', 'coflow/shell:1.0.0']]);
    expect(live?.spec?.containers[0]?.resources).toEqual({ requests: { memory: '67108864' }, limits: { memory: '67108864' } });
    expect(await podsOfRun('test/k8s/template#1')).toEqual([]);
  });

  it('fails the attempt without a retry when an init container fails, saying which', async () => {
    const err = await testRunner()
      .run(
        {
          name: 'co-k8s-template-init', image: 'coflow/shell:1.0.0', command: ['true'], env: {}, labels: { 'coflow.run': 'test/k8s/template#2' }, resources: {}, timeoutMs: 0,
          podTemplate: 'initContainers: [ { name: check, image: coflow/shell:1.0.0, command: [/bin/sh, -c, "exit 3"] } ]\ncontainers: [ { name: main } ]',
        },
        { onLine: () => undefined, signal: new AbortController().signal },
      )
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('pod co-k8s-template-init could not start its container: InitContainerFailed: init container check exited with code 3 (Error)');
  });
});

describe('a kubectl-only flow job on the kubernetes runner', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ runner: testRunner() });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs the template\'s image and command; its log and outputs come back', async () => {
    const template = JSON.stringify('containers: [ { name: tool, image: coflow/shell:1.0.0, command: [/bin/sh, -c, \'echo "tool in $CO_JOB"; echo "[COUT] WHO = $WHO"\'], env: [ { name: WHO, value: template } ] } ]');
    const run = await applyAndRun(h.api, `
uri: test/k8s/kubectl-only
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: tool, kubectl: ${template}, outputs: [WHO] }
`);
    expect(run.state).toBe('succeeded');
    const tool = job(run, 's.a.tool');
    expect(tool.outputs).toEqual({ WHO: 'template' });
    expect(tool.warnings).toEqual([]);
    expect((await allLogs(h.api, run.runId, 's.a.tool')).map((l) => l.text)).toEqual(['tool in s.a.tool', '[COUT] WHO = template']);
  });
});
