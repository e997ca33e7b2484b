/**
 * Benchmark: what the kubernetes runner adds per job on top of the Kubernetes
 * API, measured side by side in one run on the test cluster
 * (scripts/k8s/cluster.sh). Baseline: create the same Pod through the API,
 * await its end by watch, read its log, delete it. Runner:
 * `KubernetesRunner.run` of the same spec (watch, followed log with
 * timestamps, deletion). Prints medians and the ratio; run with
 * `npm run bench:kubernetes` (after scripts/setup.sh). The cluster is
 * started when it is not running and stopped again at the end (also on
 * failure and Ctrl-C) unless COFLOW_BENCH_KEEP=1; a cluster that was already
 * running is left running.
 */
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { KubernetesRunner } from '../activities/kubernetes-runner.ts';
import type { ContainerSpec } from '../activities/runner.ts';
import { ensureCluster } from './support/cluster.ts';
import { machine } from './support/stats.ts';
import { runBench, type Teardown } from './support/teardown.ts';

const REPEATS = Number(process.env.COFLOW_BENCH_REPEATS ?? 10);
const namespace = 'default';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

function spec(name: string): ContainerSpec {
  return {
    name,
    image: 'coflow/shell:1.0.0',
    command: ['/bin/sh', '-c', 'echo hello; echo "[COUT] DONE = yes"'],
    env: { CO_RUN_ID: 'bench/k8s#1' },
    labels: { 'coflow.run': 'bench/k8s#1', 'coflow.job': 's.a.j', 'coflow.attempt': '1' },
    resources: {},
    timeoutMs: 60_000,
  };
}

/** The baseline: the same Pod by hand — create, await its container's end by watch, read the log, delete. */
async function direct(core: CoreV1Api, watch: Watch, pod: V1Pod, name: string): Promise<number> {
  const started = performance.now();
  const created = await core.createNamespacedPod({ namespace, body: { ...pod, metadata: { ...pod.metadata, name } } });
  await new Promise<void>((resolve, reject) => {
    let controller: AbortController | undefined;
    void watch
      .watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { fieldSelector: `metadata.name=${name}`, resourceVersion: created.metadata?.resourceVersion },
        (_type: string, p: V1Pod) => {
          // The container's end, not the Pod phase: the kubelet reports the terminal phase only after tearing the sandbox down.
          if (p.status?.containerStatuses?.[0]?.state?.terminated !== undefined) {
            controller?.abort();
            resolve();
          }
        },
        (err: unknown) => (err ? reject(err as Error) : undefined),
      )
      .then((c) => (controller = c));
  });
  const log = await core.readNamespacedPodLog({ name, namespace, timestamps: true });
  if (!log.includes('hello')) throw new Error(`unexpected log of ${name}: ${log}`);
  await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
  return performance.now() - started;
}

async function viaRunner(runner: KubernetesRunner, name: string): Promise<number> {
  const started = performance.now();
  const lines: string[] = [];
  const result = await runner.run(spec(name), { onLine: (l) => void lines.push(l.text), signal: new AbortController().signal });
  if (result.exitCode !== 0 || lines[0] !== 'hello') throw new Error(`unexpected result of ${name}: ${JSON.stringify(result)} ${lines.join('|')}`);
  return performance.now() - started;
}

async function main(teardown: Teardown): Promise<void> {
  const kubeconfig = ensureCluster(teardown);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const watch = new Watch(kubeConfig);
  const runner = new KubernetesRunner({ kubeConfig, namespace, imagePullPolicy: 'Never' });
  const pod = runner.podFor(spec('template'));

  // Warm-up, then interleave the variants so drift hits them alike.
  await direct(core, watch, pod, 'bench-direct-warm');
  await viaRunner(runner, 'bench-runner-warm');
  const directTimes: number[] = [];
  const runnerTimes: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    directTimes.push(await direct(core, watch, pod, `bench-direct-${i}`));
    runnerTimes.push(await viaRunner(runner, `bench-runner-${i}`));
  }
  const d = median(directTimes);
  const r = median(runnerTimes);
  process.stdout.write(
    [
      `kubernetes runner, per job (median of ${REPEATS}, one-line job on coflow/shell:1.0.0) — ${machine()}`,
      `  baseline: create Pod, await container end by watch, read log, delete   ${ms(d)}   1.00x`,
      `  KubernetesRunner.run (watch, followed log, delete)                     ${ms(r)}   ${(r / d).toFixed(2)}x   (+${ms(r - d)})`,
      '',
    ].join('\n'),
  );
}

await runBench(process.env, main);
