/**
 * The forge round trip against a real Gitea (scripts/gitea.sh): a repository
 * and a webhook made through Gitea's API, `git push` over HTTP, Gitea's
 * signed delivery starting the run, and the commit's statuses read back
 * through Gitea's API. Gitea delivers through a recording proxy, so the test
 * sees coflow's answers and can re-send the very request Gitea sent (Gitea's
 * own "Replay" makes a new delivery with a new id: a new delivery, not a
 * redelivery).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { GiteaClient, type CommitStatus, type GitWorkTree } from '../support/gitea.ts';
import { startHarness, waitForRun, type Harness } from '../support/harness.ts';
import { startRecordingProxy, type Exchange, type RecordingProxy } from '../support/recording-proxy.ts';
import { giteaStatusShots } from './gitea-shots.ts';

const server = inject('gitea');
const gitea = new GiteaClient(server);
const hookSecret = randomBytes(16).toString('hex');
const APP = 'test/forge/app';
const BROKEN = 'test/forge/broken';

const flow = (uri: string, context: string, script: string): string => `
uri: ${uri}
triggers:
  - gitea:
      events: [push, pull_request]
      branches: [main]
      secret: gitea-hook
      report: { token: gitea-token, api: "${server.url}/api/v1", context: ${context} }
stages:
  - name: build
    actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "${script}" } ] } ]
`;

let h: Harness;
let proxy: RecordingProxy;
let appHook: number;
let app: GitWorkTree;
let broken: GitWorkTree;

beforeAll(async () => {
  h = await startHarness({ secrets: { 'gitea-hook': hookSecret, 'gitea-token': server.token } });
  proxy = await startRecordingProxy(h.platform.apiUrl);
  await h.api.applyFlow(flow(APP, 'coflow/app', 'true'));
  await h.api.applyFlow(flow(BROKEN, 'coflow/broken', 'exit 3'));
  await Promise.all([gitea.createRepo('app'), gitea.createRepo('broken')]);
  appHook = await gitea.addWebhook('app', `${proxy.url}/hooks/gitea/${APP}`, hookSecret);
  await gitea.addWebhook('broken', `${proxy.url}/hooks/gitea/${BROKEN}`, hookSecret);
  app = gitea.clone('app');
  broken = gitea.clone('broken');
});
afterAll(async () => {
  app?.remove();
  broken?.remove();
  await proxy?.close();
  await h?.stop();
});

/** The delivery Gitea made for `sha` (its push or its pull request), once coflow answered it. */
const deliveryOf = (sha: string, event = 'push'): Promise<Exchange> => eventually(`a ${event} delivery of ${sha}`, () =>
  proxy.exchanges.find((e) => e.headers['x-gitea-event'] === event && e.body.toString('utf8').includes(sha)));

/** The commit's statuses of `context`, oldest first, once the newest is final. */
async function finalStatuses(repo: string, sha: string, context: string): Promise<CommitStatus[]> {
  return eventually(`a final ${context} status on ${sha}`, async () => {
    const mine = (await gitea.statuses(repo, sha)).filter((s) => s.context === context);
    return mine.length > 0 && mine.at(-1)?.status !== 'pending' && mine;
  }, 60_000);
}

const runsOf = async (uri: string): Promise<number> => (await h.api.listRuns({ flow: uri })).runs.length;

describe('Gitea → coflow → Gitea', () => {
  it('runs a pushed commit and reports pending, then success, on it', async () => {
    const sha = app.commit('app.txt', 'one\n', 'Add app.txt');
    const t0 = Date.now();
    app.push('main');
    const delivery = await deliveryOf(sha);
    expect(delivery).toMatchObject({ status: 201, answer: { result: 'started', event: 'push', trigger: { kind: 'gitea', branch: 'main', commit: sha } } });
    const statuses = await finalStatuses('app', sha, 'coflow/app');
    const latency = Date.now() - t0;
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'success']);
    const run = await waitForRun(h.api, delivery.answer.runId as string);
    expect(run.state).toBe('succeeded');
    expect(statuses.at(-1)?.target_url).toMatch(new RegExp(`/runs/${APP}/${String(delivery.answer.number)}$`));
    console.log(`coflow forge tests: git push → success status in ${latency} ms`);
  });

  it('reports failure on the commit of a failing flow', async () => {
    const sha = broken.commit('broken.txt', 'x\n', 'Break it');
    broken.push('main');
    const delivery = await deliveryOf(sha);
    expect(delivery.status).toBe(201);
    const statuses = await finalStatuses('broken', sha, 'coflow/broken');
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'failure']);
    expect((await waitForRun(h.api, delivery.answer.runId as string)).state).toBe('failed');
  });

  it('starts no second run for a redelivery of the same delivery id', async () => {
    const first = proxy.exchanges.find((e) => e.path === `/hooks/gitea/${APP}` && e.status === 201);
    if (!first) throw new Error('no delivery of the first push was recorded');
    const before = await runsOf(APP);
    const again = await proxy.replay(first);
    expect(again).toMatchObject({ status: 200, answer: { result: 'duplicate', runId: first.answer.runId } });
    expect(await runsOf(APP)).toBe(before);
  });

  it('acknowledges Gitea\'s test delivery without a run', async () => {
    const before = await runsOf(APP);
    const seen = proxy.exchanges.length;
    await gitea.testWebhook('app', appHook);
    const test = await eventually('the test delivery', () => proxy.exchanges.slice(seen).find((e) => e.path === `/hooks/gitea/${APP}`));
    expect(test).toMatchObject({ status: 202, answer: { result: 'ignored', event: 'push', reason: expect.stringContaining('test delivery') as unknown } });
    expect(await runsOf(APP)).toBe(before);
  });

  it('runs a pull request from a branch and reports on its head commit', async () => {
    app.git('checkout', '-q', '-b', 'feature/readme');
    const sha = app.commit('feature.txt', 'two\n', 'Add a feature');
    app.push('feature/readme');
    const pr = await gitea.openPullRequest('app', 'feature/readme', 'Add a feature');
    expect(pr.head.sha).toBe(sha);
    const delivery = await deliveryOf(sha, 'pull_request');
    expect(delivery).toMatchObject({ status: 201, answer: { event: 'pull_request', trigger: { commit: sha, pullRequest: { number: pr.number, sourceBranch: 'feature/readme', targetBranch: 'main' } } } });
    // The branch's own push was delivered too, and filtered out (the trigger lists main only).
    expect((await deliveryOf(sha, 'push')).answer).toMatchObject({ result: 'filtered', reason: expect.stringContaining('feature/readme') as unknown });
    const statuses = await finalStatuses('app', sha, 'coflow/app');
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'success']);
    await giteaStatusShots(server, 'app', pr.number, 'coflow/app');
  });
});
