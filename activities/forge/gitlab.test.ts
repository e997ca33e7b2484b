/**
 * The GitLab client against a loopback GitLab checking each request with the
 * schemas transcribed from GitLab's API documentation.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReportOutcome, ReportState, ReportTarget, StatusReport } from '../../contracts/forge-report.ts';
import { FakeGitLab } from '../../test/support/forge-api/gitlab.ts';
import { createForgeReportActivities } from './report.ts';

const SHA = 'e'.repeat(40);
const TOKEN = 'glpat-SECRETSECRET';
const logger = new DefaultLogger('ERROR');
let forge: FakeGitLab;

beforeAll(async () => {
  forge = await new FakeGitLab(TOKEN).start();
});
afterEach(() => expect(forge.server.problems).toEqual([]));
afterAll(() => forge.server.close());

function target(more: Partial<ReportTarget> = {}): ReportTarget {
  return { forge: 'gitlab', apiUrl: forge.apiUrl, repo: 'group/sub/app', commit: SHA, tokenSecret: 'GL_TOKEN', context: 'coflow/ci', perStage: true, targetUrl: 'https://coflow.test/runs/ns/app/ci/3', ...more };
}

const activities = createForgeReportActivities({ secrets: (n) => Promise.resolve(n === 'GL_TOKEN' ? TOKEN : n === 'OLD' ? 'glpat-revoked' : undefined), timeoutMs: 5_000 });
const reportStatus = (r: StatusReport): Promise<ReportOutcome> => activities.reportStatus(r);
const report = (t: ReportTarget, state: ReportState, context = t.context, description = `run ${state}`): Promise<ReportOutcome> =>
  new MockActivityEnvironment(undefined, { logger }).run(reportStatus, { target: t, context, state, description });

describe('GitLab commit statuses', () => {
  it('maps pending to running, then the final states, on the URL-encoded project path', async () => {
    expect(await report(target(), 'pending')).toEqual({ result: 'sent' });
    expect(forge.server.requests.at(-1)?.path).toBe(`/api/v4/projects/group%2Fsub%2Fapp/statuses/${SHA}`);
    expect(forge.statuses.at(-1)).toMatchObject({ name: 'coflow/ci', status: 'running', target_url: 'https://coflow.test/runs/ns/app/ci/3' });
    // A repeat of an open state sends nothing (GitLab would answer 400).
    const posts = forge.server.sent('POST', /statuses/).length;
    expect(await report(target(), 'pending')).toEqual({ result: 'unchanged' });
    expect(forge.server.sent('POST', /statuses/)).toHaveLength(posts);
    expect(await report(target(), 'failure')).toEqual({ result: 'sent' });
    expect(forge.statuses.at(-1)).toMatchObject({ status: 'failed', description: 'run failure' });
    expect(await report(target(), 'failure')).toEqual({ result: 'unchanged' });
    for (const [state, gitlab] of [['success', 'success'], ['error', 'canceled']] as const) {
      expect(await report(target(), state, `coflow/ci/${state}`)).toEqual({ result: 'sent' });
      expect(forge.statuses.at(-1)).toMatchObject({ name: `coflow/ci/${state}`, status: gitlab });
    }
  });

  it("takes GitLab's 400 for a state it already has as unchanged", async () => {
    const t = target({ commit: 'f'.repeat(40) });
    expect(await report(t, 'pending')).toEqual({ result: 'sent' });
    // The read said nothing (a crash between POST and completion, replayed against a stale read).
    forge.server.script('GET', /statuses$/, { status: 200, body: [] });
    expect(await report(t, 'pending')).toEqual({ result: 'unchanged' });
    expect(forge.server.sent('POST', /statuses/).at(-1)?.body).toMatchObject({ state: 'running' });
  });

  it('returns a refused token with the forge answer; a 5xx is retried', async () => {
    expect(await report(target({ tokenSecret: 'OLD' }), 'pending')).toEqual({ result: 'refused', status: 401, answer: '401 Unauthorized' });
    forge.server.script('POST', /statuses/, { status: 503, body: { message: `down, token ${TOKEN}` } });
    const failure = (await report(target({ commit: '1'.repeat(40) }), 'pending').catch((err: unknown) => err)) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('503');
    expect(failure.message).not.toContain(TOKEN);
  });
});
