/**
 * A manual run through the HTTP API with `commit` and `repo`: its input's
 * commit-status target is resolved from the flow's trigger of that forge
 * (real platform, real Temporal dev server); a flow that cannot report, or a
 * malformed value, is refused with 400 and starts nothing. A webhook run
 * reports on the event's commit when its trigger has `report:`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInputOf } from '../runs/read-run.ts';
import { deliver, giteaPush, githubPullRequest } from './support/deliveries.ts';
import { startHarness, type Harness } from './support/harness.ts';

const URI = 'test/report/manual';
// The run waits at its gate and is cancelled there: its job never starts, the test stays short.
const FLOW = `uri: ${URI}
triggers:
  - gitea: { secret: hook, report: { token: gitea-token, api: "http://127.0.0.1:3000/api/v1/", context: ci/gitea, stages: true } }
  - github: { secret: hook }
stages:
  - { name: release, type: pause }
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: coflow/shell:1.0.0 } ] } ] }
`;
const HOOK_SECRET = 'hook-secret-0123456789';
const SHA = '89ABCDEF0123456789abcdef0123456789abcdef';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ secrets: { hook: HOOK_SECRET } });
  await h.api.applyFlow(FLOW);
});
afterAll(async () => {
  await h?.stop();
});

async function start(body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${h.platform.apiUrl}/api/v1/flows/${URI}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('a manual run that reports on a commit', () => {
  it('takes the connection from the flow\'s gitea trigger, and refuses what it cannot report on', async () => {
    const started = await start({ commit: SHA, repo: 'gitea:acme/shop' });
    expect(started.status).toBe(201);
    const runId = String(started.json.runId);
    const input = await runInputOf(h.platform.client, runId);
    expect(input.report).toEqual({
      forge: 'gitea',
      apiUrl: 'http://127.0.0.1:3000/api/v1',
      repo: 'acme/shop',
      commit: SHA.toLowerCase(),
      tokenSecret: 'gitea-token',
      context: 'ci/gitea',
      perStage: true,
      targetUrl: `${h.platform.apiUrl}/runs/${URI}/${input.number}`,
    });
    expect(input.trigger).toMatchObject({ kind: 'manual', commit: SHA.toLowerCase(), repo: { fullName: 'acme/shop' } });
    await h.platform.client.workflow.getHandle(runId).cancel();

    const refused = async (body: object): Promise<string> => {
      const r = await start(body);
      expect(r.status).toBe(400);
      return (r.json.error as { code: string; message: string }).code + ': ' + (r.json.error as { message: string }).message;
    };
    expect(await refused({ commit: SHA, repo: 'github:acme/shop' })).toBe(`invalid_report: the github trigger of flow ${URI} has no "report:"; add one to report commit statuses`);
    expect(await refused({ commit: SHA, repo: 'gitlab:acme/shop' })).toBe(`invalid_report: flow ${URI} has no gitlab trigger to take the report connection from`);
    expect(await refused({ commit: 'main', repo: 'gitea:acme/shop' })).toBe('invalid_report: commit must be a full commit SHA (40 hex digits), got "main"');
    expect(await refused({ commit: SHA, repo: 'acme/shop' })).toMatch(/^invalid_report: repo must be FORGE:OWNER\/NAME/);
    expect(await refused({ commit: SHA })).toMatch(/^invalid_report: give both `commit` and `repo`/);
  });

  it('a webhook run reports on the pushed commit when its trigger has report:, not otherwise', async () => {
    const pushed = await deliver(h.platform.apiUrl, giteaPush({ secret: HOOK_SECRET, uri: URI }));
    expect(pushed.status).toBe(201);
    const input = await runInputOf(h.platform.client, String(pushed.body.runId));
    expect(input.report).toMatchObject({ forge: 'gitea', repo: 'acme/shop', commit: '9fceb02d0ae598e95dc970b74767f19372d61af8', context: 'ci/gitea', targetUrl: `${h.platform.apiUrl}/runs/${URI}/${input.number}` });
    await h.platform.client.workflow.getHandle(input.runId).cancel();

    const pr = await deliver(h.platform.apiUrl, githubPullRequest({ secret: HOOK_SECRET, uri: URI }));
    expect(pr.status).toBe(201);
    const prInput = await runInputOf(h.platform.client, String(pr.body.runId));
    expect(prInput.trigger?.commit).toBe('9fceb02d0ae598e95dc970b74767f19372d61af8');
    expect(prInput.report).toBeUndefined();
    await h.platform.client.workflow.getHandle(prInput.runId).cancel();
  });
});
