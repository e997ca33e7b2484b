/**
 * Commit-status reporting (workflows/report.ts, report-hooks.ts) from real
 * runs on the real Temporal dev server, with a stand-in `reportStatus`
 * activity that records what it was asked to send and plays a forge that is
 * down or refuses a token (the real forge clients are tested on their own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportOutcome, ReportRunResult, ReportTarget, StatusReport } from '../../contracts/forge-report.ts';
import { reportWorkflowId } from '../../contracts/forge-report.ts';
import { prepareRerun } from '../../runs/prepare.ts';
import { runStatus } from '../../runs/read-run.ts';
import { eventually } from '../support/eventually.ts';
import { startWorkflowHarness, until, type WorkflowHarness } from './support.ts';

interface Call {
  readonly report: StatusReport;
  readonly at: number;
  readonly outcome: 'sent' | 'refused' | 'down';
}

/** The stand-in forge: records every call; down while `downUntil` is ahead; refuses the token `bad-token`. */
const forge = { calls: [] as Call[], downUntil: 0 };
const reportStatus = (report: StatusReport): Promise<ReportOutcome> => {
  const at = Date.now();
  if (at < forge.downUntil) {
    forge.calls.push({ report, at, outcome: 'down' });
    return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3000'));
  }
  if (report.target.tokenSecret === 'bad-token') {
    forge.calls.push({ report, at, outcome: 'refused' });
    return Promise.resolve({ result: 'refused', status: 401, answer: 'token is required' });
  }
  forge.calls.push({ report, at, outcome: 'sent' });
  return Promise.resolve({ result: 'sent' });
};

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness('report', { extraActivities: { reportStatus } });
});
afterAll(async () => {
  await h?.stop();
});

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const target = (over: Partial<ReportTarget> = {}): ReportTarget => ({
  forge: 'gitea',
  apiUrl: 'http://127.0.0.1:3000/api/v1',
  repo: 'acme/shop',
  commit: COMMIT,
  tokenSecret: 'gitea-token',
  context: 'coflow/ci',
  perStage: false,
  targetUrl: 'https://coflow.example.test/runs/x',
  ...over,
});
const TWO_STAGES = (uri: string): string => `
uri: ${uri}
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: coflow/shell:1.0.0 } ] } ] }
  - { name: test, actions: [ { name: a, jobs: [ { name: t, endpoint: coflow/shell:1.0.0 } ] } ] }
`;

/** The calls of one run that reached the forge, as `context state: description`. */
const sentFor = (runId: string): string[] =>
  forge.calls.filter((c) => c.outcome === 'sent' && c.report.target.targetUrl === runId).map((c) => `${c.report.context} ${c.report.state}: ${c.report.description}`);
const reporterResult = (runId: string): Promise<ReportRunResult> => h.env.client.workflow.getHandle(reportWorkflowId(runId)).result() as Promise<ReportRunResult>;

describe('commit statuses', () => {
  it('reports pending then success, and each stage when asked, in order', async () => {
    const probe = h.input(TWO_STAGES('test/wf/report-ok'));
    const input = { ...probe, report: target({ perStage: true, targetUrl: probe.runId }) };
    expect((await h.run(input, { 'build.a.b': { durationMs: 300 } })).state).toBe('succeeded');
    expect(await reporterResult(input.runId)).toMatchObject({ warnings: [] });
    const sent = sentFor(input.runId);
    expect(sent[0]).toBe('coflow/ci pending: coflow run #1 is running');
    expect(sent.at(-1)).toMatch(/^coflow\/ci success: coflow run #1 succeeded in \ds$/);
    // Per stage: pending before its end, build before test (states may merge when they follow fast: latest wins).
    const build = sent.filter((s) => s.startsWith('coflow/ci/build '));
    expect(build.at(-1)).toMatch(/^coflow\/ci\/build success: stage build succeeded in \ds$/);
    expect(sent.filter((s) => s.startsWith('coflow/ci/test ')).at(-1)).toMatch(/^coflow\/ci\/test success: stage test succeeded in \ds$/);
    expect(sent.indexOf(build.at(-1)!)).toBeLessThan(sent.length - 1);
    // Every call carried the run's target: the commit, the repository, the forge's API.
    expect(new Set(forge.calls.filter((c) => c.report.target.targetUrl === input.runId).map((c) => `${c.report.target.repo}@${c.report.target.commit}`))).toEqual(new Set([`acme/shop@${COMMIT}`]));
  });

  it('reports a failure at its stage, and a cancelled run as error', async () => {
    const failing = h.input(TWO_STAGES('test/wf/report-fail'));
    const input = { ...failing, report: target({ perStage: true, targetUrl: failing.runId }) };
    expect((await h.run(input, { 'test.a.t': { lines: ['2 tests failed'], exitCode: 1 } })).state).toBe('failed');
    await reporterResult(input.runId);
    const sent = sentFor(input.runId);
    expect(sent.at(-1)).toBe('coflow/ci failure: coflow run #1 failed at stage test');
    expect(sent).toContain('coflow/ci/test failure: stage test failed');

    const gated = h.input(`
uri: test/wf/report-cancel
stages:
  - { type: pause, name: release }
  - { name: deploy, actions: [ { name: a, jobs: [ { name: d, endpoint: coflow/shell:1.0.0 } ] } ] }
`);
    const run = { ...gated, report: target({ perStage: true, targetUrl: gated.runId }) };
    const handle = await h.start(run);
    await until(handle, 'waiting', (s) => s.state === 'waiting');
    await eventually('gate pending', () => sentFor(run.runId).includes('coflow/ci/release pending: stage release is waiting for approval'));
    await handle.cancel();
    expect((await handle.result()).state).toBe('cancelled');
    await reporterResult(run.runId);
    const final = sentFor(run.runId);
    expect(final.at(-1)).toBe('coflow/ci error: coflow run #1 was cancelled');
    expect(final).toContain('coflow/ci/release error: stage release was cancelled');
  });

  it('a forge that is down delays the reports, not the run; the final state is sent once it is back, the stale pending dropped', async () => {
    forge.downUntil = Date.now() + 5_000;
    const probe = h.input(TWO_STAGES('test/wf/report-down'));
    const input = { ...probe, report: target({ targetUrl: probe.runId }) };
    const started = Date.now();
    expect((await h.run(input)).state).toBe('succeeded');
    const runReturned = Date.now();
    expect(runReturned - started).toBeLessThan(4_000);
    const result = await reporterResult(input.runId);
    expect(sentFor(input.runId)).toEqual([expect.stringMatching(/^coflow\/ci success: coflow run #1 succeeded in \ds$/)]);
    const delivered = forge.calls.find((c) => c.outcome === 'sent' && c.report.target.targetUrl === input.runId)!;
    expect(delivered.at).toBeGreaterThanOrEqual(forge.downUntil);
    expect(forge.calls.filter((c) => c.outcome === 'down' && c.report.target.targetUrl === input.runId).length).toBeGreaterThanOrEqual(2);
    expect(result).toMatchObject({ sent: 1, superseded: 1, warnings: [] });
  });

  it('a refused token is a warning on the run, while it runs and after it ended; a re-run reports on the original commit', async () => {
    const probe = h.input(TWO_STAGES('test/wf/report-refused'));
    const input = { ...probe, report: target({ tokenSecret: 'bad-token', targetUrl: probe.runId }) };
    const status = await h.run(input, { 'build.a.b': { durationMs: 1_500 } });
    const warning = 'gitea commit status not set: 401 token is required';
    // The pending was refused while the run ran: the run recorded it itself.
    expect(status.warnings).toEqual([warning]);
    expect(await reporterResult(input.runId)).toMatchObject({ sent: 0, warnings: [warning] });
    // Refusals are not retried: one call per state.
    expect(forge.calls.filter((c) => c.report.target.targetUrl === input.runId).map((c) => c.report.state)).toEqual(['pending', 'success']);
    expect((await runStatus(h.env.client, input.runId)).warnings).toEqual([warning]);

    // A refusal that came after the run ended: the run API reads it from the reporter's memo.
    const quick = h.input(TWO_STAGES('test/wf/report-refused-late'));
    const late = { ...quick, report: target({ tokenSecret: 'bad-token', targetUrl: quick.runId }) };
    forge.downUntil = Date.now() + 2_500; // the pending waits for the forge; the run ends meanwhile
    await h.run(late);
    await reporterResult(late.runId);
    expect((await runStatus(h.env.client, late.runId)).warnings).toEqual([warning]);

    // The re-run keeps the original's target: the same commit, its own run.
    const ok = h.input(TWO_STAGES('test/wf/report-rerun'));
    const original = { ...ok, report: target({ targetUrl: ok.runId }) };
    await h.run(original);
    await h.store.nextRunNumber(original.flow.uri); // the original took number 1
    const rerun = await prepareRerun(h.store, original, {}, 'alice');
    expect(rerun.number).toBe(2);
    expect(rerun.report).toEqual(original.report);
    await h.run(rerun);
    await reporterResult(rerun.runId);
    const rerunCalls = forge.calls.filter((c) => c.report.description.startsWith('coflow run #2 ') && c.report.target.targetUrl === ok.runId);
    expect(rerunCalls.map((c) => `${c.report.state}@${c.report.target.commit}`)).toEqual([`pending@${COMMIT}`, `success@${COMMIT}`]);
    expect((await reporterResult(original.runId)).sent).toBe(2);
  });
});
