/**
 * SPEC §3: a worker that dies mid-job does not start a second container for
 * the same attempt. A platform process on the kubernetes runner is SIGKILLed
 * while its job's Pod runs; a new platform on the same task queue and data
 * takes the retried activity and re-attaches to the same Pod.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Watch, type V1Pod } from '@kubernetes/client-node';
import { afterAll, expect, inject, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.ts';
import { allLogs, job, repoRoot, startHarness, waitForRun, type Harness } from '../support/harness.ts';
import { kubeConfig, podsOfRun, testRunner } from './support.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'coflow-k8s-reattach-'));
const taskQueue = `coflow-k8s-reattach-${process.pid}`;
let second: Harness | undefined;

afterAll(async () => {
  await second?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('re-attaches to the running Pod after its worker process is killed', async () => {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'platform-child.ts'),
      JSON.stringify({
        kubeconfig: inject('kubeconfig'),
        namespace: inject('k8sNamespace'),
        temporalAddress: inject('temporalAddress'),
        taskQueue,
        dataDir,
        bundlePath: inject('workflowBundlePath'),
        componentsDir: join(repoRoot, 'components'),
      }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((r) => child.once('exit', r));
  // Every version of every Pod in the namespace: the job must have had exactly one Pod (one uid).
  const uids = new Map<string, Set<string>>();
  const running = new Set<string>();
  const watch = await new Watch(kubeConfig()).watch(
    `/api/v1/namespaces/${inject('k8sNamespace')}/pods`,
    {},
    (_type: string, pod: V1Pod) => {
      const name = pod.metadata?.name ?? '';
      uids.set(name, (uids.get(name) ?? new Set<string>()).add(pod.metadata?.uid ?? ''));
      if (pod.status?.phase === 'Running') running.add(name);
    },
    () => undefined,
  );
  try {
    const apiUrl = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (l) => l.startsWith('api ') && resolve(l.slice(4)));
      child.once('exit', (code) => reject(new Error(`the platform process exited (${String(code)}) before serving`)));
    });
    const first = new ApiClient(apiUrl);
    const flow = await first.applyFlow(`
uri: test/k8s/reattach
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: ticks
            endpoint: coflow/shell:1.0.0
            script: 'for i in $(seq 1 20); do echo "tick $i"; sleep 1; done'
`);
    const { runId } = await first.startRun(flow.uri);
    // Wait until the job's Pod runs and some lines are stored, then kill the process outright.
    const deadline = Date.now() + 90_000;
    while (!((await allLogs(first, runId, 's.a.ticks')).length >= 3 && running.size > 0)) {
      if (Date.now() > deadline) throw new Error('the job never started');
      await new Promise((r) => setTimeout(r, 250));
    }
    child.kill('SIGKILL');
    await exited;
    const [pod] = await podsOfRun(runId);
    expect(pod).toBeDefined();

    second = await startHarness({ runner: testRunner(), taskQueue, dataDir });
    const run = await waitForRun(second.api, runId, 150_000);
    expect(run.state).toBe('succeeded');
    expect(job(run, 's.a.ticks').attempts).toHaveLength(1);
    const texts = (await allLogs(second.api, runId, 's.a.ticks')).map((l) => l.text);
    expect(texts).toEqual(Array.from({ length: 20 }, (_, i) => `tick ${i + 1}`));
    expect(uids.get(pod!)?.size).toBe(1);
    expect(await podsOfRun(runId)).toEqual([]);
  } finally {
    watch.abort();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 240_000);
