/**
 * Steering runs through the HTTP API as different users: pause and resume,
 * cancel, approval gates (approvers by user and role, required approvals,
 * forbidSelfApproval, timeouts, rejections), and re-run from the failed job.
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/app.ts';
import { runPath } from '../cli/api-client.ts';
import { loadCatalog } from '../components/catalog.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { allLogs, containersOfRun, job, repoRoot, startHarness, type Harness } from './support/harness.ts';

const USERS = {
  alice: { roles: ['operator'] },
  bob: { roles: ['operator', 'release'] },
  carol: { roles: ['operator', 'release'] },
  dave: { roles: ['operator'] },
  vic: { roles: ['viewer'] },
  root: { roles: ['admin'] },
} as const;
type User = keyof typeof USERS;

let h: Harness;
let server: ServerType;
let base: string;

beforeAll(async () => {
  h = await startHarness();
  const app = createApi({
    store: h.platform.store,
    temporal: h.platform.client,
    taskQueue: h.taskQueue,
    catalog: loadCatalog(join(repoRoot, 'components')),
    tokens: Object.entries(USERS).map(([user, { roles }]) => ({ user, roles, token: `token-of-${user}-for-tests` })),
  });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await h?.stop();
});

/** One API call as `user`; returns status and JSON body. */
async function call(user: User, method: string, path: string, body?: string | object): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer token-of-${user}-for-tests` };
  if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'application/yaml' : 'application/json';
  const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}


async function status(runId: string): Promise<RunStatus> {
  const r = await call('vic', 'GET', runPath(runId));
  expect(r.status).toBe(200);
  return r.json as unknown as RunStatus;
}

async function until(runId: string, what: string, test: (s: RunStatus) => boolean, timeoutMs = 60_000): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(runId);
    if (test(s)) return s;
    if (Date.now() > deadline) throw new Error(`run ${runId}: still not ${what} after ${timeoutMs} ms: ${JSON.stringify(s.stages.map((x) => [x.name, x.state]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ended = (s: RunStatus): boolean => ['succeeded', 'failed', 'cancelled'].includes(s.state);

/** Applies a flow as admin and starts it as `user`. */
async function start(yaml: string, user: User = 'carol'): Promise<string> {
  const applied = await call('root', 'POST', '/api/v1/flows', yaml);
  expect([200, 201]).toContain(applied.status);
  const uri = applied.json.uri as string;
  const started = await call(user, 'POST', `/api/v1/flows/${uri}/runs`);
  expect(started.status).toBe(201);
  return started.json.runId as string;
}

describe('pause and resume', () => {
  it('lets the running job finish, starts nothing new while paused, and continues on resume', async () => {
    const runId = await start(`
uri: test/control/pause
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: first, endpoint: coflow/shell:1.0.0, script: "sleep 2; echo first done" }
          - { name: second, endpoint: coflow/shell:1.0.0, script: "echo second" }
`);
    await until(runId, 'running its first job', (s) => job(s, 's.a.first').state === 'running');
    expect((await call('vic', 'POST', `${runPath(runId)}/pause`)).status).toBe(403);
    expect((await call('alice', 'POST', `${runPath(runId)}/pause`, { comment: 'maintenance' })).status).toBe(202);
    const paused = await until(runId, 'paused with its first job done', (s) => job(s, 's.a.first').state === 'succeeded');
    expect(paused.state).toBe('paused');
    expect(paused.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000));
    const still = await status(runId);
    expect(job(still, 's.a.second').state).toBe('pending');
    expect(still.state).toBe('paused');

    const resumedAt = Date.now();
    expect((await call('alice', 'POST', `${runPath(runId)}/resume`)).status).toBe(202);
    const done = await until(runId, 'ended', ended);
    expect(done.state).toBe('succeeded');
    expect(Date.parse(job(done, 's.a.second').startedAt!)).toBeGreaterThanOrEqual(resumedAt - 1_000);
  });
});

describe('cancel', () => {
  it('stops the running container, runs the end jobs, and ends the run cancelled', async () => {
    const runId = await start(`
uri: test/control/cancel
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: long, endpoint: coflow/shell:1.0.0, script: "echo started; sleep 300" } ] } ] }
  - { name: after, actions: [ { name: a, jobs: [ { name: never, endpoint: coflow/shell:1.0.0, script: "true" } ] } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: cleanup, endpoint: coflow/shell:1.0.0, script: "echo cleanup" } ] } ] }
`);
    await until(runId, 'running', (s) => job(s, 's.a.long').state === 'running');
    await until(runId, 'printing', () => containersOfRun(runId).length === 1);
    const cancelledAt = Date.now();
    expect((await call('alice', 'POST', `${runPath(runId)}/cancel`)).status).toBe(202);
    const done = await until(runId, 'ended', ended);
    expect(Date.now() - cancelledAt).toBeLessThan(30_000);
    expect(done.state).toBe('cancelled');
    expect(job(done, 's.a.long').state).toBe('cancelled');
    expect(job(done, 'after.a.never').state).toBe('skipped');
    expect(job(done, 'end.e.cleanup').state).toBe('succeeded');
    expect(containersOfRun(runId)).toEqual([]);
    expect((await call('alice', 'POST', `${runPath(runId)}/cancel`)).status).toBe(409);
  });
});

const GATED = (uri: string, approval: string) => `
uri: ${uri}
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: coflow/shell:1.0.0, script: "echo built" } ] } ] }
  - type: pause
    name: release-approval
    approval: ${approval}
  - { name: deploy, actions: [ { name: a, jobs: [ { name: d, endpoint: coflow/shell:1.0.0, script: "echo deployed" } ] } ] }
`;

describe('approval gates', () => {
  it('takes decisions only from listed approvers, never from the run starter, and passes at the required count', async () => {
    const runId = await start(GATED('test/control/approve', '{ approvers: [alice, "role:release"], required: 2, forbidSelfApproval: true }'), 'carol');
    const gate = `${runPath(runId)}/stages/release-approval`;
    const waiting = await until(runId, 'waiting', (s) => s.state === 'waiting');
    expect(waiting.triggeredBy).toBe('carol');
    expect(job(waiting, 'deploy.a.d').state).toBe('pending');

    const refusedDave = await call('dave', 'POST', `${gate}/approve`, { comment: 'lgtm' });
    expect(refusedDave.status).toBe(403);
    expect((refusedDave.json.error as { message: string }).message).toMatch(/dave may not decide on stage release-approval/);
    const refusedCarol = await call('carol', 'POST', `${gate}/approve`);
    expect(refusedCarol.status).toBe(403);
    expect((refusedCarol.json.error as { message: string }).message).toMatch(/carol started this run and may not approve it/);
    expect((await call('vic', 'POST', `${gate}/approve`)).status).toBe(403);
    expect((await status(runId)).stages[1]!.approval!.decisions).toEqual([]);

    expect((await call('alice', 'POST', `${gate}/approve`, { comment: 'tests look good' })).status).toBe(202);
    const one = await until(runId, 'holding one approval', (s) => s.stages[1]!.approval!.decisions.length === 1);
    expect(one.state).toBe('waiting');
    expect(one.stages[1]!.approval!.decisions[0]).toMatchObject({ user: 'alice', approve: true, comment: 'tests look good' });
    expect(Date.parse(one.stages[1]!.approval!.decisions[0]!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await call('alice', 'POST', `${gate}/approve`)).status).toBe(403);

    expect((await call('bob', 'POST', `${gate}/approve`)).status).toBe(202);
    const done = await until(runId, 'ended', ended);
    expect(done.state).toBe('succeeded');
    expect(done.stages[1]!.approval).toMatchObject({ outcome: 'approved', required: 2 });
    expect(done.stages[1]!.approval!.decisions.map((d) => d.user)).toEqual(['alice', 'bob']);
    expect(job(done, 'deploy.a.d').state).toBe('succeeded');
    expect((await call('bob', 'POST', `${gate}/approve`)).status).toBe(409);
  });

  it('fails the run on a rejection, with who and why', async () => {
    const runId = await start(GATED('test/control/reject', '{ approvers: [alice] }'));
    await until(runId, 'waiting', (s) => s.state === 'waiting');
    expect((await call('alice', 'POST', `${runPath(runId)}/stages/release-approval/reject`, { comment: 'not on a Friday' })).status).toBe(202);
    const done = await until(runId, 'ended', ended);
    expect(done.state).toBe('failed');
    expect(done.stages[1]!.error).toBe('rejected by alice: not on a Friday');
    expect(done.error).toMatch(/rejected by alice: not on a Friday/);
    expect(job(done, 'deploy.a.d').state).toBe('skipped');
  });

  it('follows onTimeout when nobody decides in time', async () => {
    const approved = await start(GATED('test/control/timeout-approve', '{ timeout: 2s, onTimeout: approve }'));
    const rejected = await start(GATED('test/control/timeout-reject', '{ timeout: 2s }'));
    const a = await until(approved, 'ended', ended);
    const r = await until(rejected, 'ended', ended);
    expect([a.state, a.stages[1]!.approval!.outcome]).toEqual(['succeeded', 'timed out (approved)']);
    expect([r.state, r.stages[1]!.approval!.outcome, r.stages[1]!.error]).toEqual(['failed', 'timed out (rejected)', 'approval timed out after 2s']);
  });

  it('refuses decisions on a stage that is not an approval gate or not waiting', async () => {
    const runId = await start(GATED('test/control/not-waiting', '{ approvers: [alice] }'));
    await until(runId, 'waiting', (s) => s.state === 'waiting');
    expect((await call('alice', 'POST', `${runPath(runId)}/stages/build/approve`)).status).toBe(409);
    expect((await call('alice', 'POST', `${runPath(runId)}/stages/nope/approve`)).status).toBe(404);
    expect((await call('alice', 'POST', `${runPath(runId)}/cancel`)).status).toBe(202);
    expect((await until(runId, 'ended', ended)).state).toBe('cancelled');
  });
});

describe('re-run', () => {
  it('starts a new, linked run at the first failed job and reuses the outputs of the jobs that succeeded', async () => {
    const runId = await start(`
uri: test/control/rerun
stages:
  - name: build
    actions:
      - name: a
        jobs:
          - { name: version, endpoint: coflow/shell:1.0.0, script: 'echo "[COUT] BUILT_IN = $CO_RUN_ID"', outputs: [BUILT_IN] }
  - name: test
    actions:
      - name: a
        jobs:
          - name: flaky
            endpoint: coflow/shell:1.0.0
            script: 'echo "testing $BUILT_IN in $CO_RUN_ID"; case "$CO_RUN_ID" in *#1) exit 1;; esac'
            subscriptions: [ { "build.a.version[BUILT_IN]": BUILT_IN } ]
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: report, endpoint: coflow/shell:1.0.0, script: "echo report" } ] } ] }
`);
    const first = await until(runId, 'ended', ended);
    expect(first.state).toBe('failed');
    expect((await call('vic', 'POST', `${runPath(runId)}/rerun`)).status).toBe(403);

    const rerun = await call('alice', 'POST', `${runPath(runId)}/rerun`);
    expect(rerun.status).toBe(201);
    expect(rerun.json).toMatchObject({ runId: 'test/control/rerun#2', number: 2, rerunOf: runId, reused: ['build.a.version'] });
    const second = await until('test/control/rerun#2', 'ended', ended);
    expect(second.state).toBe('succeeded');
    expect(second.rerunOf).toBe(runId);
    expect(second.triggeredBy).toBe('alice');
    expect(job(second, 'build.a.version')).toMatchObject({ state: 'succeeded', reusedFrom: runId, outputs: { BUILT_IN: runId }, attempts: [] });
    expect(job(second, 'end.e.report').attempts).toHaveLength(1);
    // The reused job did not run again; the failed one ran with the reused output.
    expect(await allLogs(h.api, 'test/control/rerun#2', 'build.a.version')).toEqual([]);
    expect((await allLogs(h.api, 'test/control/rerun#2', 'test.a.flaky')).map((l) => l.text)).toEqual([`testing ${runId} in test/control/rerun#2`]);
    // An open run cannot be re-run.
    const open = await start(GATED('test/control/rerun-open', '{ approvers: [alice] }'));
    await until(open, 'waiting', (s) => s.state === 'waiting');
    expect((await call('alice', 'POST', `${runPath(open)}/rerun`)).status).toBe(409);
    await call('alice', 'POST', `${runPath(open)}/cancel`);
  });
});
