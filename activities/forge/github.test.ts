/**
 * The GitHub client against a loopback GitHub that checks every request with
 * GitHub's published OpenAPI description (test/support/forge-api/github.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReportOutcome, ReportState, ReportTarget, StatusReport } from '../../contracts/forge-report.ts';
import { FakeGitHub } from '../../test/support/forge-api/github.ts';
import { InstallationTokens } from './github-app.ts';
import { createForgeReportActivities } from './report.ts';

const SHA = 'a'.repeat(40);
const PAT = 'ghp_0123456789abcdefSECRET';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const secrets = (name: string): Promise<string | undefined> => Promise.resolve(({ GH_TOKEN: PAT, GH_APP_KEY: PEM } as Record<string, string>)[name]);

/** Everything the activity logged: no token, key or JWT may be in it. */
const logged: string[] = [];
const logger = new DefaultLogger('DEBUG', (entry) => logged.push(`${entry.message} ${JSON.stringify(entry.meta)}`));

let clock = Date.now();
const forges: FakeGitHub[] = [];
async function github(options: ConstructorParameters<typeof FakeGitHub>[0]): Promise<FakeGitHub> {
  const forge = await new FakeGitHub({ now: () => clock, ...options }).start();
  forges.push(forge);
  return forge;
}

function target(forge: FakeGitHub, more: Partial<ReportTarget> = {}): ReportTarget {
  return { forge: 'github', apiUrl: forge.apiUrl, repo: 'octo/app', commit: SHA, tokenSecret: 'GH_TOKEN', context: 'coflow/test/app/ci', perStage: false, targetUrl: 'https://coflow.test/runs/test/app/ci/12', ...more };
}

function reporter(tokens = new InstallationTokens(() => clock)): (t: ReportTarget, state: ReportState, description?: string, context?: string) => Promise<ReportOutcome> {
  const activities = createForgeReportActivities({ secrets, installationTokens: tokens, timeoutMs: 5_000 });
  const reportStatus = (r: StatusReport): Promise<ReportOutcome> => activities.reportStatus(r);
  return (t, state, description = `run ${state}`, context = t.context) => new MockActivityEnvironment(undefined, { logger }).run(reportStatus, { target: t, context, state, description } satisfies StatusReport);
}

afterEach(() => {
  for (const forge of forges) expect(forge.server.problems).toEqual([]);
});
afterAll(async () => {
  expect(logged.length).toBeGreaterThan(10);
  for (const line of logged) for (const secret of [PAT, 'ghs_fake', 'BEGIN RSA', 'eyJ']) expect(line).not.toContain(secret);
  await Promise.all(forges.map((f) => f.server.close()));
});

describe('GitHub commit statuses with a token', () => {
  let forge: FakeGitHub;
  beforeAll(async () => {
    forge = await github({ tokens: [PAT] });
  });

  it('sets each state, and a repeat sends nothing', async () => {
    const report = reporter();
    for (const state of ['pending', 'success', 'failure', 'error'] as const) {
      expect(await report(target(forge), state)).toEqual({ result: 'sent' });
      expect(forge.latest(SHA)[0]).toMatchObject({ context: 'coflow/test/app/ci', state, description: `run ${state}`, target_url: 'https://coflow.test/runs/test/app/ci/12' });
    }
    const posts = forge.server.sent('POST', /\/statuses\//).length;
    expect(await report(target(forge), 'error')).toEqual({ result: 'unchanged' });
    expect(forge.server.sent('POST', /\/statuses\//)).toHaveLength(posts);
    expect(forge.server.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${PAT}`);
  });

  it('cuts a description past 140 characters with an ellipsis', async () => {
    const report = reporter();
    const long = `run test/app/ci#12 failed: ${'x'.repeat(200)}`;
    expect(await report(target(forge, { commit: 'b'.repeat(40) }), 'failure', long)).toEqual({ result: 'sent' });
    const [status] = forge.latest('b'.repeat(40));
    expect([...status!.description!]).toHaveLength(140);
    expect(status!.description!.endsWith('…')).toBe(true);
    expect(await report(target(forge, { commit: 'b'.repeat(40) }), 'failure', long)).toEqual({ result: 'unchanged' });
  });

  it('returns a refused token with the forge answer, never the token', async () => {
    const outcome = await reporter()(target(forge, { tokenSecret: 'NO_SUCH' }), 'pending');
    expect(outcome).toMatchObject({ result: 'refused', status: 0 });
    forge.server.script('GET', /\/status$/, { status: 401, body: { message: `Bad credentials for ${PAT}`, documentation_url: 'https://docs.github.com/rest' } });
    const refused = await reporter()(target(forge), 'pending', 'again');
    expect(refused).toEqual({ result: 'refused', status: 401, answer: 'Bad credentials for ***' });
  });

  it('throws a retryable failure on 5xx and on 429, with Retry-After as the next delay', async () => {
    const report = reporter();
    forge.server.script('POST', /\/statuses\//, { status: 502, body: { message: `bad gateway ${PAT}` } });
    const failure = await report(target(forge, { commit: 'c'.repeat(40) }), 'pending').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect((failure as Error).message).toContain('502');
    expect((failure as Error).message).not.toContain(PAT);
    forge.server.script('GET', /\/status$/, { status: 429, body: { message: 'slow down' }, headers: { 'Retry-After': '7' } });
    const limited = (await report(target(forge, { commit: 'c'.repeat(40) }), 'pending').catch((err: unknown) => err)) as ApplicationFailure;
    expect(limited.nextRetryDelay).toBe('7s');
    // The forge answers again: the report goes through once.
    expect(await report(target(forge, { commit: 'c'.repeat(40) }), 'pending')).toEqual({ result: 'sent' });
    expect(forge.latest('c'.repeat(40))).toHaveLength(1);
  });

  it('throws a retryable failure when the forge cannot be reached', async () => {
    const failure = await reporter()(target(forge, { apiUrl: 'http://127.0.0.1:9' }), 'pending').catch((err: unknown) => err);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect((failure as Error).message).toContain('127.0.0.1:9');
  });
});

describe('GitHub Enterprise Server', () => {
  it('reports under the /api/v3 prefix of its OpenAPI description', async () => {
    const forge = await github({ description: 'ghes-3.19', tokens: [PAT] });
    expect(forge.apiUrl).toMatch(/\/api\/v3$/);
    expect(await reporter()(target(forge), 'success')).toEqual({ result: 'sent' });
    expect(forge.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/v3/repos/octo/app/commits/${SHA}/status`, `POST /api/v3/repos/octo/app/statuses/${SHA}`]);
  });
});

describe('GitHub App', () => {
  const app = { id: '4242', privateKeySecret: 'GH_APP_KEY' };

  it('mints one installation token for several reports, with a status and a check run each', async () => {
    const forge = await github({ app: { id: '4242', publicKey, installationId: 77 } });
    const report = reporter();
    const t = target(forge, { tokenSecret: undefined, app });
    expect(await report(t, 'pending')).toEqual({ result: 'sent' });
    expect(await report(t, 'pending', 'stage build running', `${t.context}/build`)).toEqual({ result: 'sent' });
    expect(await report(t, 'success', 'run succeeded')).toEqual({ result: 'sent' });
    expect(forge.server.sent('GET', /\/installation$/)).toHaveLength(1);
    expect(forge.server.sent('POST', /\/access_tokens$/)).toHaveLength(1);
    const runs = forge.checkRuns.filter((r) => r.name === t.context);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'success', details_url: t.targetUrl });
    expect(forge.server.sent('PATCH', /\/check-runs\/\d+$/)).toHaveLength(1);
    expect(forge.latest(SHA).map((s) => [s.context, s.state])).toEqual([
      [t.context, 'success'],
      [`${t.context}/build`, 'pending'],
    ]);
    // A retry after a crash: neither the status nor the check run is sent again.
    expect(await report(t, 'success', 'run succeeded')).toEqual({ result: 'unchanged' });
    expect(forge.checkRuns.filter((r) => r.name === t.context)).toHaveLength(1);
  });

  it('refreshes the token 5 minutes before it expires, and uses the installation the event named', async () => {
    const forge = await github({ app: { id: '4242', publicKey, installationId: 88, tokenLifetimeMs: 3_600_000 } });
    const report = reporter();
    const t = target(forge, { tokenSecret: undefined, app: { ...app, installationId: 88 }, commit: 'd'.repeat(40) });
    expect(await report(t, 'pending')).toEqual({ result: 'sent' });
    clock += 50 * 60_000;
    expect(await report(t, 'failure')).toEqual({ result: 'sent' });
    expect(forge.server.sent('POST', /\/access_tokens$/)).toHaveLength(1);
    clock += 6 * 60_000;
    expect(await report(t, 'error', 'cancelled', `${t.context}/deploy`)).toEqual({ result: 'sent' });
    expect(forge.server.sent('POST', /\/access_tokens$/)).toHaveLength(2);
    expect(forge.server.sent('GET', /\/installation$/)).toHaveLength(0);
    expect(forge.checkRuns.find((r) => r.name === `${t.context}/deploy`)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
  });

  it('replaces a token GitHub stopped accepting, once', async () => {
    const forge = await github({ app: { id: '4242', publicKey, installationId: 66 } });
    const report = reporter();
    const t = target(forge, { tokenSecret: undefined, app: { ...app, installationId: 66 }, commit: '3'.repeat(40) });
    expect(await report(t, 'pending')).toEqual({ result: 'sent' });
    forge.issued.clear();
    expect(await report(t, 'success')).toEqual({ result: 'sent' });
    expect(forge.server.sent('POST', /\/access_tokens$/)).toHaveLength(2);
    expect(forge.latest('3'.repeat(40))[0]).toMatchObject({ state: 'success' });
  });

  it('refuses a key GitHub does not accept, with its answer', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const forge = await github({ app: { id: '4242', publicKey: other, installationId: 99 } });
    const outcome = await reporter()(target(forge, { tokenSecret: undefined, app }), 'pending');
    expect(outcome).toEqual({ result: 'refused', status: 401, answer: 'Bad credentials' });
  });
});

describe('the loopback GitHub', () => {
  it('finds what GitHub would not take: an unknown operation, query parameter or body field', async () => {
    const forge = await github({ tokens: [PAT] });
    const headers = { Authorization: `Bearer ${PAT}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'test' };
    await fetch(`${forge.apiUrl}/repos/octo/app/statuses/${SHA}`, { method: 'POST', headers, body: JSON.stringify({ state: 'cancelled', context: 'x' }) });
    await fetch(`${forge.apiUrl}/repos/octo/app/commits/${SHA}/status?per_page=x&sort=asc`, { headers });
    await fetch(`${forge.apiUrl}/repos/octo/app/status/${SHA}`, { method: 'POST', headers });
    expect(forge.server.problems).toEqual([
      expect.stringContaining('repos/create-commit-status: body: /state must be equal to one of the allowed values'),
      expect.stringContaining('repos/get-combined-status-for-ref: query per_page=x'),
      'repos/get-combined-status-for-ref: unknown query parameter sort',
      `POST /repos/octo/app/status/${SHA}: no such operation in GitHub's description`,
    ]);
    forge.server.problems.length = 0;
  });
});
