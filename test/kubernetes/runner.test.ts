/**
 * Behaviour of the kubernetes runner that neither the runner suite
 * (runner-suite.test.ts) nor the flow suite reaches: the Pod manifest, image
 * pulls, scheduling failures, OOM kills — on the real single-node cluster.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ImageNotFoundError, PodUnschedulableError, statusOf } from '../../activities/errors.ts';
import type { ContainerSpec } from '../../activities/runner.ts';
import { allLogs, applyAndRun, job, startHarness, type Harness } from '../support/harness.ts';
import { core, podsOfRun, testRunner } from './support.ts';

const namespace = (): string => inject('k8sNamespace');

function spec(name: string, script: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name,
    image: 'coflow/shell:1.0.0',
    command: ['/bin/sh', '-c', script],
    env: { GREETING: 'hi' },
    labels: { 'coflow.run': `test/k8s/runner#${name}`, 'coflow.job': 's.a.j', 'coflow.attempt': '1' },
    resources: {},
    timeoutMs: 0,
    ...extra,
  };
}

async function podExists(name: string): Promise<boolean> {
  try {
    await core().readNamespacedPod({ name, namespace: namespace() });
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

describe('the kubernetes runner', () => {
  it('runs a Pod with labels, raw values in annotations, env and limits, then deletes it', async () => {
    const runner = testRunner();
    const s = spec('co-k8s-manifest', 'echo "$GREETING there"', { resources: { cpuMillis: 250, memoryBytes: 64 * 1024 * 1024 }, timeoutMs: 90_500 });
    const pod = runner.podFor(s);
    expect(pod.metadata?.labels?.['coflow.run']).toMatch(/^test-k8s-runner-co-k8s-manifest-[0-9a-f]{10}$/);
    expect(pod.metadata?.annotations?.['coflow.run']).toBe('test/k8s/runner#co-k8s-manifest');
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', activeDeadlineSeconds: 91, automountServiceAccountToken: false });
    expect(pod.spec?.containers[0]?.resources).toEqual({ requests: { cpu: '250m', memory: '67108864' }, limits: { cpu: '250m', memory: '67108864' } });

    // The API server keeps what the manifest says: read the running Pod at its first line.
    let live: V1Pod | undefined;
    const lines: string[] = [];
    const result = await runner.run(s, {
      onLine: async (l) => {
        live ??= await core().readNamespacedPod({ name: s.name, namespace: namespace() });
        lines.push(l.text);
      },
      signal: new AbortController().signal,
    });
    expect(result).toEqual({ exitCode: 0, timedOut: false, cancelled: false });
    expect(lines).toEqual(['hi there']);
    expect(live?.metadata?.labels).toEqual(pod.metadata?.labels);
    expect(live?.metadata?.annotations).toEqual(pod.metadata?.annotations);
    expect(live?.spec?.containers[0]?.resources).toEqual(pod.spec?.containers[0]?.resources);
    expect(await podExists('co-k8s-manifest')).toBe(false);
  });

  it('reports an image it cannot pull at once, as ImageNotFoundError, with the pull policy IfNotPresent', async () => {
    // A local image that is missing (`Never`) is in the runner suite; here a registry that does not resolve.
    const started = Date.now();
    const err = await testRunner({ imagePullPolicy: 'IfNotPresent' })
      .run(spec('co-k8s-pull', 'true', { image: 'registry.invalid/coflow/none:1' }), { onLine: () => undefined, signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect(String((err as Error).cause)).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await podExists('co-k8s-pull')).toBe(false);
  });

  it('fails clearly when the Pod cannot be scheduled, and deletes it', async () => {
    const err = await testRunner({ unschedulableAfterMs: 2_000 })
      .run(spec('co-k8s-huge', 'true', { resources: { cpuMillis: 512_000 } }), { onLine: () => undefined, signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PodUnschedulableError);
    expect((err as Error).message).toMatch(/co-k8s-huge cannot be scheduled: .*Insufficient cpu/);
    expect(await podExists('co-k8s-huge')).toBe(false);
  });
});

describe('flows on the kubernetes runner', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ runner: testRunner({ unschedulableAfterMs: 5_000 }) });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reports an OOM-killed job as such and does not retry it', async () => {
    const run = await applyAndRun(
      h.api,
      `
uri: test/k8s/oom
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: hog
            endpoint: coflow/shell:1.0.0
            script: 'echo allocating; exec dd if=/dev/zero of=/dev/null bs=200M count=1'
            resources: { memory: 32Mi }
            retries: 2
`,
    );
    expect(run.state).toBe('failed');
    const j = job(run, 's.a.hog');
    expect(j.attempts).toHaveLength(1);
    expect(j.attempts[0]!.exitCode).toBe(137);
    expect(j.error).toMatch(/out of memory \(OOMKilled/);
    expect((await allLogs(h.api, run.runId, 's.a.hog')).map((l) => l.text)).toEqual(['allocating']);
    expect(await podsOfRun(run.runId)).toEqual([]);
  });

  it('fails a job whose Pod cannot be scheduled without retrying it', async () => {
    const run = await applyAndRun(
      h.api,
      `
uri: test/k8s/unschedulable
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: huge, endpoint: coflow/shell:1.0.0, script: "true", resources: { cpu: "512" }, retries: 2 } ] } ] }
`,
    );
    expect(run.state).toBe('failed');
    const j = job(run, 's.a.huge');
    expect(j.attempts).toHaveLength(1);
    expect(j.error).toMatch(/cannot be scheduled/);
  }, 240_000);
});
