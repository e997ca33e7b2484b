/**
 * Forge hygiene end to end (docs/forges.md): a real worker, Temporal dev
 * server and dockerd behind the webhook route. A pull request from a fork
 * runs without secrets: the job that reads one fails with the reason, the
 * job that does not succeeds; a trigger with `forkSecrets: true` gives the
 * secret. A `[skip ci]` push is acknowledged without a run unless the
 * trigger says `skipCi: false`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../flow/index.ts';
import type { HookTrigger } from '../flow/model.ts';
import { deliver, githubPullRequest, githubPush } from './support/deliveries.ts';
import { job, startHarness, waitForRun, type Harness } from './support/harness.ts';

const HOOK_SECRET = 'gh-hygiene-0123456789';
const TOKEN = 'tok-hygiene-4242';
const STRICT = 'test/hygiene/strict';
const TRUSTING = 'test/hygiene/trusting';

/** A job without secrets, then one that reads a secret (and checks it got the real one). */
const flowYaml = (uri: string): string => `uri: ${uri}
title: forge hygiene
triggers:
  - github: { events: [push, pull_request], branches: [main], secret: hook }
stages:
  - { type: start, name: start }
  - name: build
    actions:
      - name: plain
        jobs:
          - name: without
            component: library/shell@1
            script: 'echo no secrets needed'
  - name: check
    actions:
      - name: secret
        jobs:
          - name: with-secret
            component: library/shell@1
            environments: [ { TOKEN: "\${{ secrets.API_TOKEN }}" } ]
            script: 'test "\${#TOKEN}" -eq ${TOKEN.length} && case "$TOKEN" in tok-hygiene-*) echo got the token ;; *) exit 3 ;; esac'
  - { type: end, name: end }
`;

describe('forge hygiene', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await startHarness({ secrets: { hook: HOOK_SECRET, API_TOKEN: TOKEN } });
    url = h.platform.apiUrl;
    await h.api.applyFlow(flowYaml(STRICT));
    // The trigger's opt-outs, stored as the flow parser stores them (`forkSecrets: true`, `skipCi: false`).
    const source = flowYaml(TRUSTING);
    const spec = parseFlow(source);
    const triggers = (spec.triggers ?? []).map((t) => (t.kind === 'github' ? ({ ...t, forkSecrets: true, skipCi: false } satisfies HookTrigger) : t));
    await h.platform.store.applyFlow({ ...spec, triggers }, `${source}# forkSecrets: true, skipCi: false\n`);
  });
  afterAll(async () => h?.stop());

  const startedRuns = async (): Promise<number> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('coflow_runs_started_total{') && l.includes('trigger="github"'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('runs a fork\'s pull request without secrets: the job reading one fails with the reason, the other succeeds', async () => {
    const r = await deliver(url, githubPullRequest({ secret: HOOK_SECRET, uri: STRICT, fork: true }));
    expect(r.status).toBe(201);
    expect(r.body.trigger).toMatchObject({ pullRequest: { fromFork: true, sourceRepo: 'mallory/shop' } });
    const run = await waitForRun(h.api, r.body.runId as string);
    const reason = 'secrets are not given to runs of pull requests from forks (mallory/shop); set forkSecrets: true on the trigger to allow it';
    expect(run.secretsWithheld).toBe(reason);
    const refused = job(run, 'check.secret.with-secret');
    expect(refused).toMatchObject({ state: 'failed', error: `job check.secret.with-secret uses secret API_TOKEN: ${reason}` });
    expect(refused.attempts).toHaveLength(0); // refused before any container ran, not retried
    expect(job(run, 'build.plain.without').state).toBe('succeeded');
    expect(run.state).toBe('failed');
  });

  it('gives a fork\'s pull request the secret when the trigger says forkSecrets: true; a same-repository one always', async () => {
    for (const [uri, fork] of [[TRUSTING, true], [STRICT, false]] as const) {
      const r = await deliver(url, githubPullRequest({ secret: HOOK_SECRET, uri, fork }));
      expect(r.status).toBe(201);
      const run = await waitForRun(h.api, r.body.runId as string);
      expect(run.secretsWithheld).toBeUndefined();
      expect(job(run, 'check.secret.with-secret').state).toBe('succeeded');
      expect(run.state).toBe('succeeded');
    }
  });

  it('acknowledges a [skip ci] push without a run, with the reason; skipCi: false runs it', async () => {
    const before = await startedRuns();
    const skipped = await deliver(url, githubPush({ secret: HOOK_SECRET, uri: STRICT, message: 'Fix the docs [Skip CI]' }));
    expect(skipped.status).toBe(202);
    expect(skipped.body).toEqual({ result: 'ignored', event: 'push', reason: 'the head commit\'s message says [Skip CI]; set skipCi: false on the trigger to run anyway' });
    expect(await startedRuns()).toBe(before);
    const run = await deliver(url, githubPush({ secret: HOOK_SECRET, uri: TRUSTING, message: 'Fix the docs [skip ci]' }));
    expect(run.status).toBe(201);
    expect(await startedRuns()).toBe(before + 1);
    expect((await waitForRun(h.api, run.body.runId as string)).state).toBe('succeeded');
  });
});
