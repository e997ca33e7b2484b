/**
 * The deployment story end to end on the real cluster (issue 13, point 8),
 * through the API and the CLI as a team would live it: one flow deploys the
 * version-app (test/images/version-app) to `dev` and, past an approval gate,
 * to `prod`. v1 (a GitLab tag push) to dev then prod; v2 (a tag push) rolling
 * to prod; v3, whose readiness probe fails, rolled out within 20 s and rolled
 * back automatically, v2 still serving; a blue-green switch to v4 while a
 * client Pod loops requests through the prod Service, none failing;
 * `coflow rollback --to` v1's deployment. Every "serves" is a request from a
 * Pod to the Service. Then the DORA report of prod against the numbers
 * computed by hand from the records the API lists. One deployment history,
 * so the tests run in order and each builds on the one before.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient, runPath } from '../../cli/api-client.ts';
import { ApiCallError } from '../../cli/errors.ts';
import type { DeploymentRecord } from '../../contracts/deployments.ts';
import type { DoraReport } from '../../contracts/dora.ts';
import { jobsOf, type RunStatus } from '../../contracts/run-status.ts';
import { deliver, gitlabTagPush, type PushedCommit } from '../support/deliveries.ts';
import { repoRoot, startHarness, waitForRun, type Harness } from '../support/harness.ts';
import { doraByHand, median } from './dora-by-hand.ts';
import { InClusterClient, parseTally } from './in-cluster-client.ts';
import { core } from './support.ts';
import { versionAppImages, type AppVersion, type VersionAppImages } from './version-app.ts';

const NS = 'deploy-e2e';
const FLOW = `${NS}/version-app/release`;
const suffix = randomBytes(3).toString('hex');
const K8S = { dev: `e2e-dev-${suffix}`, prod: `e2e-prod-${suffix}` };
const TOKENS = { admin: `admin-${suffix}-token`, rita: `rita-${suffix}-token` };
const HOOK_SECRET = 'gl-deploy-secret-0123456789';
const GATE = 'approve-prod';

const ENVIRONMENTS = `
namespace: ${NS}
environments:
  - name: dev
    tier: development
    kubernetes: { namespace: ${K8S.dev}, cluster: runner }
  - name: prod
    tier: production
    kubernetes: { namespace: ${K8S.prod}, cluster: runner }
    protection: { approvers: [rita], branches: [main] }
`;

/** One template for every environment and strategy; the version comes from the run's input, else the pushed tag. */
const MANIFEST = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: { name: version-app }',
  'spec:',
  '  replicas: 2',
  '  selector: { matchLabels: { app: version-app } }',
  '  strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }',
  '  template:',
  '    metadata: { labels: { app: version-app } }',
  '    spec:',
  '      containers:',
  '        - name: app',
  '          image: coflow-test/version-app:${{ inputs.version || trigger.tag }}-BUILD',
  '          imagePullPolicy: Never',
  '          ports: [{ containerPort: 8080 }]',
  '          readinessProbe: { httpGet: { path: /healthz, port: 8080 }, periodSeconds: 1, failureThreshold: 1 }',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: { name: version-app }',
  'spec:',
  '  selector: { app: version-app }',
  '  ports: [{ port: 80, targetPort: 8080 }]',
];

/** The template as a block scalar of the flow, `indent` spaces in. */
const manifest = (build: string, indent = 16): string =>
  MANIFEST.map((l) => `\n${' '.repeat(indent)}${l.replace('BUILD', build)}`).join('');

const flowYaml = (build: string): string => `
uri: ${FLOW}
inputs:
  version:
    description: the version to deploy (v1…v4); a tag push deploys its tag
  target:
    default: dev-and-prod
    options: [dev-and-prod, prod]
  strategy:
    default: rolling
    options: [rolling, blue-green]
triggers:
  - gitlab: { events: [tag_push], tags: ["v*"], secret: gitlab_hook }
stages:
  - name: dev
    if: "inputs.target == 'dev-and-prod'"
    actions:
      - name: deploy
        jobs:
          - name: dev
            type: deploy
            timeout: 60s
            deploy:
              environment: dev
              manifest: |${manifest(build)}
  - type: pause
    name: ${GATE}
    approval: { approvers: [rita] }
  - name: prod
    actions:
      - name: deploy
        jobs:
          - name: rolling
            type: deploy
            if: "inputs.strategy == 'rolling'"
            timeout: 20s
            onFailure: rollback
            deploy:
              environment: prod
              manifest: |${manifest(build)}
          - name: blue-green
            type: deploy
            if: "inputs.strategy == 'blue-green'"
            timeout: 60s
            deploy:
              environment: prod
              strategy: blue-green
              blueGreen: { service: version-app, scaleDownAfter: 2m }
              manifest: |${manifest(build)}
`;

let h: Harness;
let admin: ApiClient;
let rita: ApiClient;
let images: VersionAppImages;
let client: InClusterClient;
const started = Date.now();
const timings: Record<string, number> = {};
const prodUrl = (): string => `http://version-app.${K8S.prod}.svc/`;
const devUrl = (): string => `http://version-app.${K8S.dev}.svc/`;
/** Deployment ids by version, in prod. */
const prodIds: Partial<Record<AppVersion, number>> = {};

async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await work();
  } finally {
    timings[phase] = (Date.now() - t) / 1000;
  }
}

/** The pushed commits of a release: committed `hoursAgo`, one hour apart. */
function commits(...hoursAgo: number[]): PushedCommit[] {
  return hoursAgo.map((h) => ({ id: randomBytes(20).toString('hex'), timestamp: new Date(Date.now() - h * 3_600_000).toISOString() }));
}

async function tagPush(tag: AppVersion, pushed: PushedCommit[]): Promise<string> {
  const r = await deliver(h.platform.apiUrl, gitlabTagPush({ secret: HOOK_SECRET, uri: FLOW, tag, commits: pushed }));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.runId as string;
}

/** Rita approves the prod gate once the run waits there. */
async function approveGate(runId: string): Promise<void> {
  for (const deadline = Date.now() + 120_000; ; await new Promise((r) => setTimeout(r, 250))) {
    try {
      await rita.request('POST', `${runPath(runId)}/stages/${GATE}/approve`, '{"comment":"ship it"}', 'application/json');
      return;
    } catch (err) {
      if (!(err instanceof ApiCallError && err.status === 409) || Date.now() > deadline) throw err;
    }
  }
}

/** Approves the gate and waits for the run's end. */
async function throughGate(runId: string): Promise<RunStatus> {
  await approveGate(runId);
  return waitForRun(admin, runId, 180_000);
}

function job(run: RunStatus, path: string) {
  const found = jobsOf(run).find((j) => j.path === path);
  if (!found) throw new Error(`no job ${path} in run ${run.runId}`);
  return found;
}

async function prodRecords(): Promise<DeploymentRecord[]> {
  const qs = new URLSearchParams({ namespace: NS, environment: 'prod', limit: '500' });
  return (await admin.request<{ deployments: DeploymentRecord[] }>('GET', `/api/v1/deployments?${qs.toString()}`)).deployments;
}

/** The prod deployment a run's deploy job recorded. */
async function prodRecordOf(run: RunStatus): Promise<DeploymentRecord> {
  const found = (await prodRecords()).find((d) => d.runId === run.runId && d.kind === 'deploy');
  if (found === undefined) throw new Error(`run ${run.runId} recorded no prod deployment`);
  return found;
}

/** `coflow ARGS…` against the test platform, as Rita. */
function coflow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'cli/coflow.ts'), '--api', h.platform.apiUrl, ...args], { env: { ...process.env, COFLOW_TOKEN: TOKENS.rita }, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  images = await timed('images', () => Promise.resolve(versionAppImages()));
  for (const ns of Object.values(K8S)) await core().createNamespace({ body: { metadata: { name: ns, labels: { 'coflow.test': 'deployments' } } } });
  client = new InClusterClient(core(), inject('k8sNamespace'), images.image('v1'));
  h = await startHarness({
    runnerKind: 'kubernetes',
    kubernetes: { kubeconfig: inject('kubeconfig'), namespace: inject('k8sNamespace'), imagePullSecrets: [], imagePullPolicy: 'Never' },
    tokens: [
      { user: 'admin', roles: ['admin'], token: TOKENS.admin },
      { user: 'rita', roles: ['operator'], token: TOKENS.rita },
    ],
    secrets: { gitlab_hook: HOOK_SECRET },
  });
  admin = new ApiClient(h.platform.apiUrl, TOKENS.admin);
  rita = new ApiClient(h.platform.apiUrl, TOKENS.rita);
  await admin.request('PUT', `/api/v1/environments/${NS}`, ENVIRONMENTS);
  await admin.applyFlow(flowYaml(images.build));
}, 300_000);

afterAll(async () => {
  await h?.stop();
  for (const ns of Object.values(K8S)) await core().deleteNamespace({ name: ns }).catch(() => undefined);
  // A client Pod still looping when a test failed ends on its own; it is not waited for, only removed.
  await core().deleteCollectionNamespacedPod({ namespace: inject('k8sNamespace'), labelSelector: 'coflow.test=deployments', gracePeriodSeconds: 0 }).catch(() => undefined);
  console.log(`deployments.test.ts phases (s): ${JSON.stringify(timings)}; images built in ${images?.builtInSeconds ?? '?'} s; whole file ${(Date.now() - started) / 1000} s`);
});

describe.sequential('a deployment history on the real cluster', () => {
  it('v1 goes to dev, then past Rita\'s approval to prod', async () => {
    const runId = await tagPush('v1', commits(3, 2));
    const run = await timed('v1 dev+gate+prod', () => throughGate(runId));
    expect(run.state, JSON.stringify(jobsOf(run).map((j) => [j.path, j.state, j.error]))).toBe('succeeded');
    expect((await client.waitForOnly(devUrl(), 'v1')).failed).toBe(0);
    expect((await client.waitForOnly(prodUrl(), 'v1')).failed).toBe(0);
    prodIds.v1 = (await prodRecordOf(run)).id;
  });

  it('v2 rolls out to prod', async () => {
    const run = await timed('v2 rolling', async () => throughGate(await tagPush('v2', commits(1))));
    expect(run.state, JSON.stringify(jobsOf(run).map((j) => [j.path, j.state, j.error]))).toBe('succeeded');
    expect((await client.waitForOnly(prodUrl(), 'v2')).failed).toBe(0);
    prodIds.v2 = (await prodRecordOf(run)).id;
  });

  it('v3, never ready, fails within its 20 s timeout naming readiness, and the automatic rollback leaves v2 serving', async () => {
    const { runId } = await admin.startRun(FLOW, { version: 'v3', target: 'prod' });
    const t = Date.now();
    const run = await timed('v3 failing + rollback', () => throughGate(runId));
    expect(run.state).toBe('failed');
    const rolling = job(run, 'prod.deploy.rolling');
    expect(rolling.state).toBe('failed');
    console.log(`v3 in prod: ${rolling.error ?? ''}`);
    expect(rolling.error).toMatch(/readiness/i);
    expect(rolling.error).toMatch(/roll/i);
    // 20 s of rollout, the rollback's own rollout, and the gate: well under a minute.
    expect(Date.now() - t).toBeLessThan(60_000);
    const tally = await client.loop(prodUrl(), 3);
    expect(tally).toMatchObject({ failed: 0, versions: { v2: tally.ok } });
    const v3 = await prodRecordOf(run);
    prodIds.v3 = v3.id;
    expect(v3.result).toBe('rolled back');
    expect(v3.reason).toMatch(/readiness/i);
  });

  it('a blue-green switch to v4 drops no request of a client looping through the Service', async () => {
    const { runId } = await admin.startRun(FLOW, { version: 'v4', target: 'prod', strategy: 'blue-green' });
    const loop = client.start(['loop', prodUrl(), '20s']);
    await loop.running;
    const run = await timed('v4 blue-green', () => throughGate(runId));
    const tally = parseTally(await loop.output);
    console.log(`blue-green switch v2 → v4: ${tally.ok + tally.failed} requests, ${tally.failed} failed, by version ${JSON.stringify(tally.versions)}`);
    expect(run.state, JSON.stringify(jobsOf(run).map((j) => [j.path, j.state, j.error]))).toBe('succeeded');
    expect(tally.failed, JSON.stringify(tally.errors)).toBe(0);
    // The loop saw both sides of the switch: it spanned it.
    expect(tally.versions.v2).toBeGreaterThan(0);
    expect(tally.versions.v4).toBeGreaterThan(0);
    expect((await client.waitForOnly(prodUrl(), 'v4')).failed).toBe(0);
    prodIds.v4 = (await prodRecordOf(run)).id;
  });

  it('coflow rollback --to v1\'s deployment makes prod serve v1 again', async () => {
    const r = await timed('rollback to v1', () => coflow('rollback', FLOW, '--environment', 'prod', '--to', String(prodIds.v1), '--follow'));
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/succeeded/);
    expect((await client.waitForOnly(prodUrl(), 'v1')).failed).toBe(0);
    const rollback = (await prodRecords()).find((d) => d.kind === 'rollback' && d.restores === prodIds.v1);
    expect(rollback).toMatchObject({ result: 'succeeded', rollbackOf: prodIds.v4, user: 'rita' });
  });

  it('the DORA report of prod matches the numbers computed by hand from the records', async () => {
    const since = started - 60_000;
    const until = Date.now() + 60_000;
    const records = await prodRecords();
    const hand = doraByHand(records, since, until);
    // The story as told: four deployments ended; v1 and v2 stand as succeeded; v3 (rolled back at
    // once) and v4 (rolled back by hand to v1) are failures; the two rollbacks are recoveries.
    expect(hand).toMatchObject({ ended: 4, successes: 2, failures: 2 });
    expect(hand.recoveryHours).toHaveLength(2);
    expect(hand.leadHours).toHaveLength(3);
    const qs = new URLSearchParams({ namespace: NS, environment: 'prod', since: new Date(since).toISOString(), until: new Date(until).toISOString() });
    const report = await admin.request<DoraReport>('GET', `/api/v1/metrics/dora?${qs.toString()}`);
    console.log(`DORA prod: by hand ${JSON.stringify(hand)}; API ${JSON.stringify({ f: report.deploymentFrequency, l: report.leadTime, c: report.changeFailureRate, r: report.recoveryTime })}`);
    expect(report.environments).toEqual(['prod']);
    expect(report.deploymentFrequency.deployments).toBe(hand.successes);
    expect(report.deploymentFrequency.value).toBeCloseTo(hand.perDay, 2);
    expect(report.changeFailureRate).toMatchObject({ value: hand.changeFailureRate, failures: hand.failures, samples: hand.ended });
    expect(report.recoveryTime.samples).toBe(hand.recoveryHours.length);
    expect(report.recoveryTime.value).toBeCloseTo(median(hand.recoveryHours)!, 2);
    expect(report.leadTime.samples).toBe(hand.leadHours.length);
    expect(report.leadTime.value).toBeCloseTo(median(hand.leadHours)!, 2);
  });
});
