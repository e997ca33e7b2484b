/**
 * coflow inside the cluster, deployed as a user would: deploy/kubernetes's
 * single-node overlay (PostgreSQL, a Temporal server, 2 API servers behind a
 * Service, 2 workers on the kubernetes runner with in-cluster credentials),
 * with the real images loaded into the test cluster. Reached through
 * `kubectl port-forward` on loopback. Deployed once, shared by the tests here.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.ts';
import type { RunStatus } from '../../contracts/run-status.ts';
import { countingFlow } from '../support/counting-flow.ts';
import { repoRoot } from '../support/paths.ts';
import { podCensus } from './support.ts';
import { expectServesWebUi } from '../support/web-ui-check.ts';

const NAMESPACE = 'coflow-e2e';
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const IMAGES = [`coflow/coflow:${version}`, 'coflow/postgres:15', 'coflow/temporal-server:1.29.1'];
const overlayDir = mkdtempSync(join(tmpdir(), 'coflow-deploy-'));
const forwards: ChildProcess[] = [];

const kubectl = (...args: string[]): string =>
  execFileSync(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** `kubectl port-forward` of a Service port to a free loopback port; resolves with that port. */
function portForward(target: string, port: number): Promise<number> {
  const child = spawn(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), '-n', NAMESPACE, 'port-forward', '--address', '127.0.0.1', target, `:${port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  forwards.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`port-forward ${target} exited (${String(code)}): ${out}`)));
  });
}

/** The namespace's Pods, claims and events, and the last log lines of each Pod's containers: for a rollout that failed. */
function whatTheClusterSays(): string {
  const tryKubectl = (...args: string[]): string => {
    try {
      return kubectl(...args);
    } catch (err) {
      return `(kubectl ${args.join(' ')}: ${(err as Error).message})`;
    }
  };
  const pods = tryKubectl('-n', NAMESPACE, 'get', 'pods', '-o', 'name').split('\n').filter(Boolean);
  return [
    tryKubectl('-n', NAMESPACE, 'get', 'pods,pvc', '-o', 'wide'),
    tryKubectl('get', 'pv', '-o', 'wide'),
    tryKubectl('-n', NAMESPACE, 'get', 'events', '--sort-by=.lastTimestamp'),
    ...pods.map((pod) => `--- ${pod}\n${tryKubectl('-n', NAMESPACE, 'logs', pod, '--all-containers', '--tail=30')}`),
  ].join('\n');
}

async function finished(api: ApiClient, runId: string, timeoutMs = 240_000): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await api.runStatus(runId);
    if (['succeeded', 'failed', 'cancelled'].includes(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${status.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

let api: ApiClient;
let temporal: Client;

beforeAll(async () => {
  // The images (cached: built only when an input changed), then into the cluster's containerd.
  execFileSync('bash', [join(repoRoot, 'scripts/images.sh'), 'build', 'coflow', 'postgres', 'temporal-server'], { stdio: 'inherit' });
  execFileSync('bash', [join(repoRoot, 'scripts/k8s/cluster.sh'), 'images', ...IMAGES], { stdio: 'inherit' });
  kubectl('delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=120s');
  kubectl('create', 'namespace', NAMESPACE);
  const password = randomBytes(12).toString('hex');
  kubectl('-n', NAMESPACE, 'create', 'secret', 'generic', 'postgres', `--from-literal=password=${password}`);
  kubectl('-n', NAMESPACE, 'create', 'secret', 'generic', 'coflow',
    `--from-literal=COFLOW_DATABASE_URL=postgres://coflow:${password}@postgres:5432/coflow`, `--from-literal=COFLOW_SECRETS_KEY=${randomBytes(32).toString('base64')}`,
    `--from-literal=COFLOW_SESSION_KEY=${randomBytes(36).toString('base64')}`);
  // The single-node overlay as it is, in this test's namespace.
  writeFileSync(join(overlayDir, 'kustomization.yaml'), `namespace: ${NAMESPACE}\nresources: [ ${relative(overlayDir, join(repoRoot, 'deploy/kubernetes/overlays/single-node'))} ]\npatches:\n  - target: { kind: Namespace }\n    patch: '[{ "op": "replace", "path": "/metadata/name", "value": "${NAMESPACE}" }]'\n`);
  kubectl('apply', '-k', overlayDir);
  for (const object of ['statefulset/postgres', 'deployment/temporal', 'deployment/coflow-api', 'deployment/coflow-worker']) {
    try {
      kubectl('-n', NAMESPACE, 'rollout', 'status', object, '--timeout=300s');
    } catch (err) {
      throw new Error(`${object} did not roll out:\n${whatTheClusterSays()}`, { cause: err });
    }
  }
  api = new ApiClient(`http://127.0.0.1:${await portForward('service/coflow-api', 8080)}`);
  temporal = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${await portForward('service/temporal', 7233)}` }) });
}, 600_000);

afterAll(async () => {
  await temporal?.connection.close();
  for (const f of forwards) f.kill();
  if (process.env.COFLOW_K8S_KEEP !== '1') kubectl('delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false');
  rmSync(overlayDir, { recursive: true, force: true });
});

describe('coflow deployed in the cluster', () => {
  it('runs a flow through its API, its jobs as Pods of its namespace', async () => {
    expect(await api.probe('/readyz')).toMatchObject({ status: 200 });
    const flow = await api.applyFlow(countingFlow('e2e/deploy/hello', 3, 0.1));
    const { runId } = await api.startRun(flow.uri);
    const census = await podCensus(runId, NAMESPACE);
    const run = await finished(api, runId);
    expect(run.state).toBe('succeeded');
    expect((await api.logs(runId, {})).lines.map((l) => l.text)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(await census.created()).toHaveLength(1);
    census.stop();
    // The same Service serves the web UI (the image's build).
    await expectServesWebUi(api.baseUrl);
  });

  it('finishes a run whose worker Pod is deleted mid-job, with one Pod for the attempt', async () => {
    const flow = await api.applyFlow(countingFlow('e2e/deploy/worker-lost', 30, 0.5));
    const { runId } = await api.startRun(flow.uri);
    const census = await podCensus(runId, NAMESPACE);
    // The worker that runs the attempt, by the identity Temporal records (pid@hostname: the Pod's name).
    let worker = '';
    for (let i = 0; worker === '' || (await api.logs(runId, {})).lines.length < 5; i++) {
      const pending = (await temporal.workflow.getHandle(runId).describe()).raw.pendingActivities ?? [];
      worker = pending[0]?.lastWorkerIdentity?.split('@')[1] ?? '';
      if (i > 240) throw new Error('the job did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(worker).toMatch(/^coflow-worker-/);
    kubectl('-n', NAMESPACE, 'delete', 'pod', worker, '--wait=false');
    const run = await finished(api, runId);
    expect(run.state).toBe('succeeded');
    expect(run.stages[0]!.actions[0]!.jobs[0]!.attempts).toHaveLength(1);
    expect(await census.created()).toHaveLength(1);
    expect((await api.logs(runId, {})).lines.map((l) => l.text)).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
    census.stop();
  });
});
