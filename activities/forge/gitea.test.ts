/** The Gitea client's request shapes against a loopback Gitea (the real one is in the end-to-end tests). */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ReportOutcome, ReportState, ReportTarget, StatusReport } from '../../contracts/forge-report.ts';
import { FakeGitea } from '../../test/support/forge-api/gitea.ts';
import { createForgeReportActivities } from './report.ts';

const SHA = '2'.repeat(40);
const TOKEN = 'gitea-SECRET-token';
let forge: FakeGitea;

beforeAll(async () => {
  forge = await new FakeGitea(TOKEN).start();
});
afterEach(() => expect(forge.server.problems).toEqual([]));
afterAll(() => forge.server.close());

const activities = createForgeReportActivities({ secrets: (n) => Promise.resolve(n === 'GITEA_TOKEN' ? TOKEN : n === 'WRONG' ? 'nope' : undefined), timeoutMs: 5_000 });
const reportStatus = (r: StatusReport): Promise<ReportOutcome> => activities.reportStatus(r);
const target = (more: Partial<ReportTarget> = {}): ReportTarget => ({ forge: 'gitea', apiUrl: forge.apiUrl, repo: 'dev/app', commit: SHA, tokenSecret: 'GITEA_TOKEN', context: 'coflow/dev/app/ci', perStage: false, targetUrl: 'http://127.0.0.1:1/runs/dev/app/ci/1', ...more });
const report = (t: ReportTarget, state: ReportState, description = `run ${state}`): Promise<ReportOutcome> =>
  new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(reportStatus, { target: t, context: t.context, state, description });

it('sets each state with `token` auth, reads the combined status first, and sends a repeat never', async () => {
  for (const state of ['pending', 'success', 'failure', 'error'] as const) {
    expect(await report(target(), state)).toEqual({ result: 'sent' });
    expect(forge.statuses.at(-1)).toMatchObject({ context: 'coflow/dev/app/ci', status: state, description: `run ${state}`, target_url: 'http://127.0.0.1:1/runs/dev/app/ci/1' });
  }
  expect(await report(target(), 'error')).toEqual({ result: 'unchanged' });
  expect(forge.statuses).toHaveLength(4);
  expect(forge.server.requests.slice(0, 2).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/v1/repos/dev/app/commits/${SHA}/status`, `POST /api/v1/repos/dev/app/statuses/${SHA}`]);
});

it('sends a description on one line, so a repeat of a multi-line one is still unchanged', async () => {
  const t = target({ commit: '4'.repeat(40) });
  expect(await report(t, 'failure', '  run failed:\n  stage test  \n')).toEqual({ result: 'sent' });
  expect(forge.statuses.at(-1)).toMatchObject({ description: 'run failed: stage test' });
  expect(await report(t, 'failure', '  run failed:\n  stage test  \n')).toEqual({ result: 'unchanged' });
});

it('returns a refused token with the forge answer', async () => {
  expect(await report(target({ tokenSecret: 'WRONG' }), 'pending')).toEqual({ result: 'refused', status: 401, answer: 'token is required' });
});
