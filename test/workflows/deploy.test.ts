/**
 * Deploy jobs and `deployment:`-marked jobs in the run workflow (issue 13):
 * environment and runtime protection, the per-pair queue, the records, and
 * `onFailure: rollback`, on the real workflow bundle, Temporal and SQLite
 * store. The engine's cluster side is a stand-in here (activities of the
 * same names and contract that apply nothing: a manifest containing
 * `broken` fails its rollout, one containing `slow` takes 1.5 s); the
 * kubernetes project drives the real engine.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyInput, DeployEngineActivities, RenderInput, ScaleDownInput } from '../../contracts/deploy.ts';
import { canaryDecideSignal } from '../../contracts/signals.ts';
import type { EnvironmentSpec } from '../../contracts/environments.ts';
import type { RunInput } from '../../contracts/run-input.ts';
import type { TriggerContext } from '../../contracts/triggers.ts';
import type { JobSpec } from '../../flow/model.ts';
import { job, startWorkflowHarness, statusOf, until, type WorkflowHarness } from './support.ts';

const applied: ApplyInput[] = [];
const canary: string[] = [];
const scaledDown: ScaleDownInput[] = [];
const engine: DeployEngineActivities = {
  renderDeployment(input: RenderInput) {
    let manifest = 'inline' in input.deploy.manifest ? input.deploy.manifest.inline : '';
    // Blue-green: the colour opposite to the previous deployment's, blue first (as the engine picks it).
    const colour = input.deploy.strategy !== 'blue-green' ? undefined : input.previous?.manifest.includes('colour: blue') ? 'green' : 'blue';
    if (colour) manifest += `\ncolour: ${colour}`;
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    return Promise.resolve({ ok: true, manifest, digest, images: [...manifest.matchAll(/image: (\S+)/g)].map((m) => m[1]!), ...(colour ? { colour } : {}) });
  },
  async applyDeployment(input) {
    applied.push(input);
    if (input.manifest.includes('slow')) await new Promise((r) => setTimeout(r, 1_500));
    return input.manifest.includes('broken') ? { ok: false, reason: 'deployment/shop: 0/1 replicas ready: readiness probe failed', pruned: [] } : { ok: true, pruned: [] };
  },
  canaryStep(input) {
    canary.push(`${input.application}:${input.weight}`);
    return Promise.resolve({ ok: true, pruned: [] });
  },
  canaryAbort(input) {
    canary.push(`${input.application}:abort`);
    return Promise.resolve({ ok: true, pruned: [] });
  },
  scaleDownColour(input) {
    scaledDown.push(input);
    return Promise.resolve({ scaled: true });
  },
};

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness('deploy', { extraActivities: engine });
  const env = (name: string, protection: EnvironmentSpec['protection']): EnvironmentSpec => ({ name, tier: 'production', kubernetesNamespace: 'shop', cluster: { kind: 'runner' }, protection, values: {} });
  await h.store.applyEnvironments({ namespace: 'test', environments: [env('prod', { approvers: [], branches: [] }), env('guarded', { approvers: ['role:release'], branches: ['main'] })] }, 'test environments');
});
afterAll(async () => {
  await h?.stop();
});

const PUSH: TriggerContext = { kind: 'github', event: 'push', branch: 'main', commit: 'c0ffee1', repo: { fullName: 'acme/shop' }, actor: 'alice' };

/** A one-job flow whose job `d.a.d` is made a deploy job (or marked) as `patch` says. */
function flowWith(name: string, patch: (j: JobSpec) => JobSpec, extra: Partial<RunInput> = {}, before = ''): RunInput {
  const input = h.input(`\nuri: test/wf/${name}\nstages:\n${before}  - { name: d, actions: [ { name: a, jobs: [ { name: d, endpoint: coflow/shell:1.0.0 } ] } ] }\n`, { triggeredBy: 'alice', trigger: PUSH, ...extra });
  const stages = input.flow.stages.map((s) => (s.name !== 'd' ? s : { ...s, actions: s.actions.map((a) => ({ ...a, jobs: a.jobs.map(patch) })) }));
  return { ...input, flow: { ...input.flow, stages } };
}

const deployJob = (application: string, manifest: string, more: Partial<JobSpec> = {}) => (j: JobSpec): JobSpec => {
  const { image: _image, ...rest } = j;
  return { ...rest, kind: 'deploy', deploy: { environment: 'prod', application, manifest: { inline: manifest }, strategy: 'rolling' }, ...more };
};

describe('deploy jobs', () => {
  it('records a deployment with who and which commit, and gives later jobs its id', async () => {
    const s = await h.run(flowWith('ok', deployJob('ok-app', 'kind: Deployment\nimage: shop:1')));
    const d = job(s, 'd.a.d');
    expect(d.state).toBe('succeeded');
    const id = Number(d.outputs.DEPLOYMENT_ID);
    expect(d.outputs).toMatchObject({ DEPLOYMENT_ENVIRONMENT: 'prod', DEPLOYMENT_APPLICATION: 'ok-app' });
    const r = await h.store.getDeployment(id);
    expect(r).toMatchObject({ kind: 'deploy', result: 'succeeded', environment: 'prod', application: 'ok-app', user: 'alice', commit: 'c0ffee1', branch: 'main', repo: 'acme/shop', images: ['shop:1'], jobPath: 'd.a.d', attempt: 1 });
    expect(r?.manifest).toContain('image: shop:1');
    expect(applied.find((a) => a.deploymentId === id)?.namespace).toBe('test');
    // Lead time's activity is not on this worker: the deployment stands, without commits, and says why.
    expect(r?.commits).toEqual([]);
    expect(d.warnings.join('\n')).toContain(`deployment ${id}: shipped commits not recorded (lead time will not count it)`);
  });

  it('onFailure: rollback re-applies the last successful deployment; the job fails saying so', async () => {
    const good = await h.run(flowWith('rb-1', deployJob('rb-app', 'kind: Deployment\nimage: shop:1')));
    const goodId = Number(job(good, 'd.a.d').outputs.DEPLOYMENT_ID);
    const bad = await h.run(flowWith('rb-2', deployJob('rb-app', 'kind: Deployment\nimage: shop:2-broken', { onFailure: 'rollback' })));
    const d = job(bad, 'd.a.d');
    expect(d.state).toBe('failed');
    expect(d.error).toMatch(new RegExp(`^deployment (\\d+): rollout failed: deployment/shop: 0/1 replicas ready: readiness probe failed; rolled back to deployment ${goodId} \\(rollback (\\d+)\\)$`));
    const [failedId, rollbackId] = /deployment (\d+):.*rollback (\d+)/.exec(d.error!)!.slice(1).map(Number);
    expect(await h.store.getDeployment(failedId!)).toMatchObject({ result: 'rolled back' });
    expect(await h.store.getDeployment(rollbackId!)).toMatchObject({ kind: 'rollback', result: 'succeeded', rollbackOf: failedId, restores: goodId, images: ['shop:1'] });
    expect(applied.find((a) => a.deploymentId === rollbackId)).toMatchObject({ manifest: 'kind: Deployment\nimage: shop:1', previousManifest: 'kind: Deployment\nimage: shop:2-broken' });
  });

  it('says when there is nothing to roll back to', async () => {
    const s = await h.run(flowWith('rb-none', deployJob('fresh-app', 'kind: Deployment\nimage: broken:1', { onFailure: 'rollback' })));
    expect(job(s, 'd.a.d').error).toContain('not rolled back: no earlier successful deployment of fresh-app to prod to return to');
  });

  it('refuses before any apply: an undeclared environment, a branch outside the protection, a missing approval', async () => {
    const before = applied.length;
    const guarded = (j: JobSpec) => deployJob('g-app', 'kind: Deployment', {})({ ...j });
    const toGuarded = (j: JobSpec): JobSpec => ({ ...guarded(j), deploy: { ...guarded(j).deploy!, environment: 'guarded' } });
    const toNowhere = (j: JobSpec): JobSpec => ({ ...guarded(j), deploy: { ...guarded(j).deploy!, environment: 'moon' } });
    const [nowhere, branch, approval] = await Promise.all([
      h.run(flowWith('p-env', toNowhere)),
      h.run(flowWith('p-branch', toGuarded, { trigger: { ...PUSH, branch: 'feature/x' } })),
      h.run(flowWith('p-approval', toGuarded)),
    ]);
    expect(job(nowhere, 'd.a.d').error).toBe('environment moon is not declared in namespace test (declared: prod, guarded)');
    expect(job(branch, 'd.a.d').error).toBe('not deployed: environment guarded accepts deployments from branches main only; this run is for branch "feature/x"');
    expect(job(approval, 'd.a.d').error).toBe('not deployed: environment guarded needs an approval by role:release before a deployment: no approval gate limited to them was approved earlier in this run');
    for (const s of [nowhere, branch, approval]) expect(job(s, 'd.a.d').attempts).toHaveLength(1);
    expect(applied.length).toBe(before);
  });

  it('deploys one at a time per pair: the second waits, showing whom it waits behind', async () => {
    const first = await h.start(flowWith('q-1', deployJob('q-app', 'kind: Deployment\nimage: slow:1')));
    await until(first, 'deploying', (s) => job(s, 'd.a.d').deployment !== undefined);
    const second = await h.start(flowWith('q-2', deployJob('q-app', 'kind: Deployment\nimage: slow:2')));
    const queued = await until(second, 'queued', (s) => job(s, 'd.a.d').waiting !== undefined);
    expect(job(queued, 'd.a.d').waiting).toBe(`queued behind run ${first.workflowId} (d.a.d, attempt 1)`);
    const [a, b] = [await first.result(), await second.result()];
    const [ra, rb] = await Promise.all([a, b].map((s) => h.store.getDeployment(Number(job(s, 'd.a.d').outputs.DEPLOYMENT_ID))));
    expect(Date.parse(rb!.startedAt)).toBeGreaterThanOrEqual(Date.parse(ra!.finishedAt!));
    expect(await h.store.deployQueue('test/prod/q-app')).toEqual([]);
    expect(job(await statusOf(second), 'd.a.d').waiting).toBeUndefined();
  });
});

describe('deployment:-marked jobs', () => {
  it('are held to the environment protection before they run', async () => {
    const mark = (j: JobSpec): JobSpec => ({ ...j, deployment: { environment: 'guarded', application: 'marked-guarded' } });
    const s = await h.run(flowWith('marked-guarded', mark, { trigger: { ...PUSH, branch: 'feature/y' } }));
    expect(job(s, 'd.a.d').error).toBe('not deployed: environment guarded accepts deployments from branches main only; this run is for branch "feature/y"');
    expect(h.runner.seen.filter((a) => a.runId === s.runId)).toEqual([]);
    expect(await h.store.listDeployments({ application: 'marked-guarded' })).toEqual([]);
  });

  it('records each attempt with its result and the job image', async () => {
    const mark = (j: JobSpec): JobSpec => ({ ...j, retries: { ...j.retries, max: 1, backoffMs: 10 }, deployment: { environment: 'prod', application: 'marked-app' } });
    const s = await h.run(flowWith('marked', mark), { 'd.a.d': (n) => ({ exitCode: n === 1 ? 1 : 0 }) });
    expect(job(s, 'd.a.d').state).toBe('succeeded');
    const records = await h.store.listDeployments({ application: 'marked-app' });
    expect(records.map((r) => [r.kind, r.result, r.attempt, r.images, r.user, r.commit, r.manifest])).toEqual([
      ['marked', 'succeeded', 2, ['coflow/shell:1.0.0'], 'alice', 'c0ffee1', undefined],
      ['marked', 'failed', 1, ['coflow/shell:1.0.0'], 'alice', 'c0ffee1', undefined],
    ]);
    expect(job(s, 'd.a.d').outputs.DEPLOYMENT_ID).toBe(String(records[0]!.id));
  });
});

describe('blue-green and canary', () => {
  it('blue-green: after the switch a child scales the old colour down later; the run does not wait for it', async () => {
    const bg = (j: JobSpec): JobSpec => {
      const d = deployJob('bg-app', 'kind: Deployment')(j);
      return { ...d, deploy: { ...d.deploy!, strategy: 'blue-green', blueGreen: { service: 'web', scaleDownAfterMs: 1_500 } } };
    };
    const first = await h.run(flowWith('bg-1', bg));
    expect(job(first, 'd.a.d').outputs.DEPLOYMENT_COLOUR).toBe('blue');
    const second = await h.run(flowWith('bg-2', bg));
    const d = job(second, 'd.a.d');
    expect([d.outputs.DEPLOYMENT_COLOUR, d.deployment?.colour]).toEqual(['green', 'green']);
    expect(scaledDown.filter((x) => x.application === 'bg-app')).toEqual([]);
    const child = h.env.client.workflow.getHandle(`${second.runId}/scale-down/${d.outputs.DEPLOYMENT_ID}`);
    expect(await child.result()).toEqual({ scaled: true });
    expect(scaledDown.filter((x) => x.application === 'bg-app')).toEqual([{ namespace: 'test', environment: 'prod', application: 'bg-app', colour: 'blue', deploymentId: Number(d.outputs.DEPLOYMENT_ID) }]);
  });

  it('canary: a step waits for an approval; a rejection aborts the canary and fails the job, an approval promotes', async () => {
    const steps = (app: string) => (j: JobSpec): JobSpec => {
      const d = deployJob(app, 'kind: Deployment')(j);
      return { ...d, deploy: { ...d.deploy!, strategy: 'canary', canary: { steps: [{ weight: 25, approval: true }] } } };
    };
    const decide = async (app: string, approve: boolean) => {
      const handle = await h.start(flowWith(`canary-${app}`, steps(app)));
      const waiting = await until(handle, 'waiting for the canary approval', (s) => job(s, 'd.a.d').deployment?.canaryApproval !== undefined);
      expect(job(waiting, 'd.a.d').waiting).toBe(`canary at 25%: waiting for an approval of step 1 (coflow approve ${handle.workflowId} --job d.a.d)`);
      await handle.signal(canaryDecideSignal, { actor: { user: 'bob', roles: ['operator'] }, job: 'd.a.d', step: 1, approve, comment: approve ? 'fine' : 'too many 500s', at: new Date().toISOString() });
      return job(await handle.result(), 'd.a.d');
    };
    const rejected = await decide('cr-app', false);
    expect([rejected.state, rejected.error]).toEqual(['failed', expect.stringContaining('rollout failed: canary step 1 rejected by bob: too many 500s (canary aborted)')]);
    expect(canary.filter((c) => c.startsWith('cr-app:'))).toEqual(['cr-app:25', 'cr-app:abort']);
    const approved = await decide('ca-app', true);
    expect(approved.state).toBe('succeeded');
    expect(approved.deployment?.canaryApproval?.decision).toMatchObject({ user: 'bob', approve: true, comment: 'fine' });
    expect(canary.filter((c) => c.startsWith('ca-app:'))).toEqual(['ca-app:25', 'ca-app:100']);
  });
});
