/**
 * Git webhooks on a real HTTP server and a real Temporal server: signed
 * deliveries shaped like each forge's, filters, redeliveries, and random
 * input that must never produce a 5xx.
 */
import fc from 'fast-check';
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, genericHook, giteaPush, githubPing, githubPullRequest, githubPush, gitlabMergeRequest, gitlabTagPush } from './support/deliveries.ts';
import { startHarness, waitForRun, type Harness } from './support/harness.ts';

const secrets = { 'github-hook': 'gh-secret-0123456789', 'gitlab-hook': 'gl-secret-0123456789', 'gitea-hook': 'gt-secret-0123456789', 'generic-hook': 'ge-secret-0123456789' };
const job = '    actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ]';

const SHOP = 'test/hooks/shop';
const SHOP_FLOW = `
uri: ${SHOP}
triggers:
  - github: { events: [push, pull_request], branches: [main, "release/*"], secret: github-hook }
  - gitea: { branches: [develop], paths: ["docs/**"], secret: gitea-hook }
  - webhook: { secret: generic-hook }
stages:
  - name: s
${job}
`;
const LAB = 'test/hooks/lab';
const LAB_FLOW = `
uri: ${LAB}
triggers:
  - gitlab: { events: [tag_push, merge_request], branches: [main], tags: ["v*"], secret: gitlab-hook }
stages:
  - name: s
${job}
`;
/** Every trigger filters everything out: random input exercises the code, starts nothing. */
const FUZZ = 'test/hooks/fuzz';
const FUZZ_FLOW = `
uri: ${FUZZ}
triggers:
  - github: { branches: [never-this], tags: [never-this], secret: github-hook }
  - gitlab: { branches: [never-this], tags: [never-this], secret: gitlab-hook }
  - gitea: { branches: [never-this], tags: [never-this], secret: gitea-hook }
  - webhook: { events: [never-this], secret: generic-hook }
stages:
  - name: s
${job}
`;

let h: Harness;
let url: string;
beforeAll(async () => {
  h = await startHarness({ secrets });
  url = h.platform.apiUrl;
  for (const flow of [SHOP_FLOW, LAB_FLOW, FUZZ_FLOW]) await h.api.applyFlow(flow);
});
afterAll(async () => {
  await h?.stop();
});

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('GitHub', () => {
  it('starts a run for a push to a listed branch, with the normalised trigger', async () => {
    const r = await deliver(url, githubPush({ secret: secrets['github-hook'], uri: SHOP, files: ['src/cart.go'] }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      result: 'started',
      event: 'push',
      trigger: {
        kind: 'github', event: 'push', ref: 'refs/heads/main', branch: 'main', commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
        author: 'alice', actor: 'alice', message: 'Fix the cart total', changedFiles: ['src/cart.go'],
        commits: [{ sha: '9fceb02d0ae598e95dc970b74767f19372d61af8', committedAt: '2026-11-21T09:00:00.000Z' }],
        repo: { fullName: 'acme/shop', cloneUrl: 'https://github.com/acme/shop.git', url: 'https://github.com/acme/shop' },
      },
    });
    const run = await waitForRun(h.api, r.body.runId as string);
    expect(run.state).toBe('succeeded');
  });

  it('acknowledges a push to another branch with the reason, and starts nothing', async () => {
    const before = await metric('coflow_runs_started_total', 'trigger="github"');
    const r = await deliver(url, githubPush({ secret: secrets['github-hook'], uri: SHOP, ref: 'refs/heads/feature/x' }));
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ result: 'filtered', reason: expect.stringContaining('branch "feature/x" does not match') as unknown });
    const tag = await deliver(url, githubPush({ secret: secrets['github-hook'], uri: SHOP, ref: 'refs/tags/v1.0.0' }));
    expect(tag.status).toBe(202);
    expect(tag.body.reason).toContain('lists branches only');
    expect(await metric('coflow_runs_started_total', 'trigger="github"')).toBe(before);
  });

  it('runs an opened pull request into main, ignores a closed one, answers ping', async () => {
    const opened = await deliver(url, githubPullRequest({ secret: secrets['github-hook'], uri: SHOP }));
    expect(opened.status).toBe(201);
    expect(opened.body.trigger).toMatchObject({
      event: 'pull_request', branch: 'feature/wishlist', actor: 'bob',
      pullRequest: { number: 42, sourceBranch: 'feature/wishlist', targetBranch: 'main', action: 'opened', title: 'Add the wishlist' },
    });
    const closed = await deliver(url, githubPullRequest({ secret: secrets['github-hook'], uri: SHOP, action: 'closed' }));
    expect(closed).toMatchObject({ status: 202, body: { result: 'ignored' } });
    const ping = await deliver(url, githubPing({ secret: secrets['github-hook'], uri: SHOP }));
    expect(ping).toMatchObject({ status: 202, body: { result: 'ignored', event: 'ping' } });
  });

  it('refuses a bad signature with 401 and starts nothing', async () => {
    const before = await metric('coflow_runs_started_total', 'trigger="github"');
    const forged = githubPush({ secret: 'not-the-secret', uri: SHOP });
    const r = await deliver(url, forged);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: { code: 'bad_signature' } });
    const unsigned = githubPush({ secret: secrets['github-hook'], uri: SHOP });
    delete unsigned.headers['x-hub-signature-256'];
    expect((await deliver(url, unsigned)).status).toBe(401);
    // A valid signature over a different body does not verify either.
    const tampered = { ...githubPush({ secret: secrets['github-hook'], uri: SHOP }), body: githubPush({ secret: secrets['github-hook'], uri: SHOP, ref: 'refs/heads/release/2' }).body };
    expect((await deliver(url, tampered)).status).toBe(401);
    expect(await metric('coflow_runs_started_total', 'trigger="github"')).toBe(before);
    expect(await metric('coflow_webhook_deliveries_total', 'forge="github",result="bad_signature"')).toBeGreaterThanOrEqual(3);
  });

  it('answers 404 for an unknown flow and for a flow without that forge\'s trigger', async () => {
    const unknown = await deliver(url, githubPush({ secret: secrets['github-hook'], uri: 'test/hooks/nope' }));
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const noTrigger = await deliver(url, githubPush({ secret: secrets['github-hook'], uri: LAB }));
    expect(noTrigger).toMatchObject({ status: 404, body: { error: { code: 'no_trigger' } } });
    const badForge = await fetch(`${url}/hooks/bitbucket/${SHOP}`, { method: 'POST', body: '{}' });
    expect(badForge.status).toBe(404);
    for (const name of ['constructor', 'toString', '__proto__']) {
      const inherited = await fetch(`${url}/hooks/${name}/${SHOP}`, { method: 'POST', body: '{}' });
      const { error } = (await inherited.json()) as { error: { code: string; message: string } };
      expect([inherited.status, error.code]).toEqual([404, 'not_found']);
      expect(error.message).toMatch(/no webhook/);
    }
  });

  it('starts exactly one run for 50 concurrent redeliveries of one event, and none for a later one', async () => {
    const delivery = githubPush({ secret: secrets['github-hook'], uri: SHOP, deliveryId: randomUUID() });
    const answers = await Promise.all(Array.from({ length: 50 }, () => deliver(url, delivery)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body.result === 'duplicate')).toHaveLength(49);
    const runIds = new Set(answers.map((a) => a.body.runId));
    expect(runIds.size).toBe(1);
    const [runId] = [...runIds] as string[];
    const run = await waitForRun(h.api, runId!);
    expect(run.state).toBe('succeeded');
    // After the run ended: still the same run, nothing new (the workflow id is rejected as a duplicate).
    const late = await deliver(url, delivery);
    expect(late).toMatchObject({ status: 200, body: { result: 'duplicate', runId } });
    // Temporal agrees: one workflow carries that delivery.
    const id = delivery.headers['x-github-delivery']!;
    const deadline = Date.now() + 15_000;
    let count = 0;
    while (Date.now() < deadline) {
      count = (await h.platform.client.workflow.count(`CoflowDelivery = 'github:${id}'`)).count;
      if (count > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(count).toBe(1);
  });
});

describe('GitLab', () => {
  it('runs a tag push that matches the tag globs and acknowledges one that does not', async () => {
    const r = await deliver(url, gitlabTagPush({ secret: secrets['gitlab-hook'], uri: LAB, tag: 'v1.4.0' }));
    expect(r.status).toBe(201);
    expect(r.body.trigger).toMatchObject({
      kind: 'gitlab', event: 'tag', tag: 'v1.4.0', ref: 'refs/tags/v1.4.0', actor: 'carol', author: 'Carol', message: 'Release 1.4.0\n',
      repo: { fullName: 'acme/shop', cloneUrl: 'https://gitlab.example.com/acme/shop.git' },
    });
    const other = await deliver(url, gitlabTagPush({ secret: secrets['gitlab-hook'], uri: LAB, tag: 'nightly' }));
    expect(other).toMatchObject({ status: 202, body: { result: 'filtered' } });
    expect(other.body.reason).toContain('tag "nightly"');
  });

  it('runs a merge request into main, refuses a wrong X-Gitlab-Token', async () => {
    const mr = await deliver(url, gitlabMergeRequest({ secret: secrets['gitlab-hook'], uri: LAB }));
    expect(mr.status).toBe(201);
    expect(mr.body.trigger).toMatchObject({ event: 'pull_request', pullRequest: { number: 7, targetBranch: 'main', sourceBranch: 'perf/checkout' }, actor: 'dan' });
    const intoOther = await deliver(url, gitlabMergeRequest({ secret: secrets['gitlab-hook'], uri: LAB, target: 'legacy' }));
    expect(intoOther.status).toBe(202);
    const wrong = await deliver(url, gitlabMergeRequest({ secret: 'gl-secret-0123456788', uri: LAB }));
    expect(wrong.status).toBe(401);
  });
});

describe('Gitea and the generic webhook', () => {
  it('runs a Gitea push that passes the branch and paths filters', async () => {
    const r = await deliver(url, giteaPush({ secret: secrets['gitea-hook'], uri: SHOP }));
    expect(r.status).toBe(201);
    expect(r.body.trigger).toMatchObject({ kind: 'gitea', branch: 'develop', actor: 'erin', changedFiles: ['docs/notes.md'], repo: { fullName: 'acme/shop' } });
    const bad = giteaPush({ secret: secrets['gitea-hook'], uri: SHOP });
    bad.headers['x-gitea-signature'] = createHmac('sha256', 'wrong').update(bad.body).digest('hex');
    expect((await deliver(url, bad)).status).toBe(401);
  });

  it('runs a signed generic delivery once per delivery id', async () => {
    const d = genericHook({ secret: secrets['generic-hook'], uri: SHOP, body: JSON.stringify({ ref: 'refs/heads/main', commit: 'abc123', actor: 'jenkins' }), event: 'deploy', deliveryId: randomUUID() });
    const first = await deliver(url, d);
    expect(first.status).toBe(201);
    expect(first.body.trigger).toMatchObject({ kind: 'webhook', event: 'deploy', branch: 'main', commit: 'abc123', actor: 'jenkins' });
    const again = await deliver(url, d);
    expect(again).toMatchObject({ status: 200, body: { result: 'duplicate', runId: first.body.runId } });
    const runs = await h.api.listRuns({ flow: SHOP, trigger: 'webhook' });
    // Visibility may lag; the run's tree is authoritative.
    expect(runs.runs.every((r) => r.trigger === 'webhook')).toBe(true);
    expect((await waitForRun(h.api, first.body.runId as string)).state).toBe('succeeded');
  });
});

describe('random deliveries', () => {
  it('never produce a 5xx, signed or not, whatever the body and headers', async () => {
    const forges = ['github', 'gitlab', 'gitea', 'generic'] as const;
    const secretOf = { github: secrets['github-hook'], gitlab: secrets['gitlab-hook'], gitea: secrets['gitea-hook'], generic: secrets['generic-hook'] };
    const eventHeader = { github: 'x-github-event', gitlab: 'x-gitlab-event', gitea: 'x-gitea-event', generic: 'x-coflow-event' };
    const events = fc.constantFrom('push', 'pull_request', 'release', 'ping', 'Push Hook', 'Tag Push Hook', 'Merge Request Hook', 'create', '', 'x'.repeat(300));
    const jsonish = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({
        ref: fc.oneof(fc.constantFrom('refs/heads/main', 'refs/tags/v1', 'refs/heads/', 'refs/tags/', 'main'), fc.string()),
        after: fc.oneof(fc.constant('0000000000000000000000000000000000000000'), fc.string()),
        object_kind: fc.constantFrom('push', 'tag_push', 'merge_request', 'note', 'build'),
        action: fc.constantFrom('opened', 'published', 'open', 'closed', 'update'),
        commits: fc.anything(),
        repository: fc.anything(),
        project: fc.anything(),
        object_attributes: fc.anything(),
        pull_request: fc.anything(),
        release: fc.anything(),
      }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...forges),
        jsonish,
        events,
        fc.boolean(),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }).filter((k) => /^[a-z][a-z0-9-]*$/.test(k)), fc.string({ maxLength: 100 }).filter((v) => /^[\x20-\x7e]*$/.test(v)), { maxKeys: 4 }),
        fc.option(fc.string({ maxLength: 300 }).filter((v) => /^[\x20-\x7e]*$/.test(v))),
        async (forge, body, event, signed, extra, deliveryId) => {
          const secret = secretOf[forge];
          const sig = createHmac('sha256', secret).update(body).digest('hex');
          const headers: Record<string, string> = { ...extra, [eventHeader[forge]]: event };
          if (signed) {
            if (forge === 'github') headers['x-hub-signature-256'] = `sha256=${sig}`;
            if (forge === 'gitea') headers['x-gitea-signature'] = sig;
            if (forge === 'gitlab') headers['x-gitlab-token'] = secret;
            if (forge === 'generic') headers['x-coflow-signature'] = `sha256=${sig}`;
          }
          if (deliveryId !== null) headers[forge === 'github' ? 'x-github-delivery' : forge === 'gitea' ? 'x-gitea-delivery' : forge === 'gitlab' ? 'idempotency-key' : 'x-coflow-delivery'] = deliveryId;
          const res = await fetch(`${url}/hooks/${forge}/${FUZZ}`, { method: 'POST', headers, body });
          const text = await res.text();
          expect(res.status, `${forge} ${res.status}: ${text}`).toBeLessThan(500);
          expect(() => JSON.parse(text) as unknown).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
    expect(await metric('coflow_webhook_deliveries_total', 'forge="github",result="error"')).toBe(0);
  });
});
