/**
 * Behaviour of the kubernetes runner that the flow suite does not reach:
 * cancellation, image and scheduling failures, OOM kills, re-attaching — on
 * the real single-node cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ImageNotFoundError, PodUnschedulableError } from '../../activities/errors.ts';
import type { ContainerSpec } from '../../activities/runner.ts';
import type { LogLine } from '../../contracts/logs.ts';
import { statusOf } from '../../activities/errors.ts';
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
  it('runs a Pod with labels, raw values in annotations, env and limits, streams its log with timestamps, then deletes it', async () => {
    const runner = testRunner();
    const pod = runner.podFor(spec('co-k8s-manifest', 'true', { resources: { cpuMillis: 250, memoryBytes: 64 * 1024 * 1024 }, timeoutMs: 90_500 }));
    expect(pod.metadata?.labels?.['coflow.run']).toMatch(/^test-k8s-runner-co-k8s-manifest-[0-9a-f]{10}$/);
    expect(pod.metadata?.annotations?.['coflow.run']).toBe('test/k8s/runner#co-k8s-manifest');
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', activeDeadlineSeconds: 91, automountServiceAccountToken: false });
    expect(pod.spec?.containers[0]?.resources).toEqual({ requests: { cpu: '250m', memory: '67108864' }, limits: { cpu: '250m', memory: '67108864' } });

    const lines: LogLine[] = [];
    const before = Date.now();
    const result = await runner.run(spec('co-k8s-basic', 'echo "$GREETING there"; sleep 0.3; echo oops >&2; sleep 0.3; printf "no newline"; exit 4'), {
      onLine: (l) => void lines.push(l),
      signal: new AbortController().signal,
    });
    expect(result).toEqual({ exitCode: 4, timedOut: false, cancelled: false });
    // stdout and stderr reach the node's log through two pipes: order across them holds only with time between lines.
    expect(lines.map((l) => l.text)).toEqual(['hi there', 'oops', 'no newline']);
    for (const l of lines) expect(l.ts).toBeGreaterThanOrEqual(before - 2_000);
    expect(await podExists('co-k8s-basic')).toBe(false);
  });

  it('deletes the Pod when the attempt is cancelled', async () => {
    const runner = testRunner();
    const abort = new AbortController();
    const lines: string[] = [];
    const started = Date.now();
    const result = await runner.run(spec('co-k8s-cancel', 'echo started; sleep 120'), {
      onLine: (l) => {
        lines.push(l.text);
        abort.abort();
      },
      signal: abort.signal,
    });
    expect(result).toEqual({ exitCode: null, timedOut: false, cancelled: true });
    expect(lines).toEqual(['started']);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await podExists('co-k8s-cancel')).toBe(false);
  });

  it('re-attaches to the Pod an interrupted attempt left running, instead of starting a second one', async () => {
    const name = 'co-k8s-reattach';
    const first = testRunner();
    const script = 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 1; done';
    // A first run() that dies with its worker: the Pod stays. (A real worker kill is the flow test below.)
    await core().createNamespacedPod({ namespace: namespace(), body: first.podFor(spec(name, script)) });
    const created = await core().readNamespacedPod({ name, namespace: namespace() });
    const lines: string[] = [];
    const result = await testRunner().run(spec(name, script), { onLine: (l) => void lines.push(l.text), signal: new AbortController().signal });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5', 'tick 6']);
    expect(created.metadata?.uid).toBeDefined();
    expect(await podExists(name)).toBe(false);
  });

  it('reports a missing image at once, as ImageNotFoundError, whatever the pull policy', async () => {
    for (const [name, imagePullPolicy] of [['co-k8s-never', 'Never'], ['co-k8s-pull', 'IfNotPresent']] as const) {
      const started = Date.now();
      const err = await testRunner({ imagePullPolicy })
        .run(spec(name, 'true', { image: 'registry.invalid/coflow/none:1' }), { onLine: () => undefined, signal: new AbortController().signal })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageNotFoundError);
      expect(String((err as Error).cause)).toMatch(/ErrImageNeverPull|ErrImagePull|ImagePullBackOff/);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(await podExists(name)).toBe(false);
    }
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
