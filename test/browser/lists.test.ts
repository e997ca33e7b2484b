/**
 * The lists of the web UI on a real platform (Temporal dev server, Docker,
 * the built UI) in a real browser: the runs list live and filtered, paging,
 * a run at an approval gate, the flows list and a flow's page, the Run
 * button with inputs, the component catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.ts';
import { startHarness, waitForRun, type Harness } from '../support/harness.ts';
import { launchBrowser, type TestBrowser, type TestPage } from './support.ts';

const ADMIN = { user: 'ada', roles: ['admin'], token: 'ada-token-lists-0123456789abcdef' };
const VIEWER = { user: 'vic', roles: ['viewer'], token: 'vic-token-lists-0123456789abcdef' };

let h: Harness;
let api: ApiClient;
let browser: TestBrowser;
const tag = `t${Date.now().toString(36)}`;

const flow = (uri: string, script: string, extra = ''): string => `
uri: ${uri}
${extra}
stages:
  - name: build
    actions: [ { name: compile, jobs: [ { name: make, endpoint: "coflow/shell:1.0.0", script: "${script}" } ] } ]
`;

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness({ tokens: [ADMIN, VIEWER] }), launchBrowser(import.meta.filename)]);
  api = new ApiClient(h.platform.apiUrl, ADMIN.token);
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** A page signed in with `token` (the admin's unless told), on `/`. */
async function signedIn(token = ADMIN.token): Promise<TestPage> {
  const t = await browser.newPage(h.platform.apiUrl);
  await t.page.goto('/');
  await t.page.getByLabel('API token').fill(token);
  await t.page.getByRole('button', { name: 'Sign in' }).click();
  await t.page.locator('header .user').waitFor();
  return t;
}

/** The state a runs table shows for a run. */
const stateOf = (t: TestPage, runId: string) => t.page.locator(`tr[data-run="${runId}"] [data-state]`).getAttribute('data-state', { timeout: 1000 }).catch(() => null);

/** Waits until visibility lists `n` runs of a flow (the list reads visibility too). */
async function listed(uri: string, n: number): Promise<void> {
  await expect.poll(async () => (await api.listRuns({ flow: uri })).runs.filter((r) => r.endedAt).length, { timeout: 30_000 }).toBe(n);
}

describe('the runs list', () => {
  it('shows a run started while the page is open, and its state going running → succeeded, without a reload', async () => {
    const uri = `ui/${tag}/live`;
    await api.applyFlow(flow(uri, 'sleep 5'));
    const t = await signedIn();
    await t.page.goto('/');
    await t.page.getByRole('heading', { name: 'Runs' }).waitFor();
    await t.page.evaluate(() => { (globalThis as unknown as { marker: number }).marker = 42; });
    const { runId } = await api.startRun(uri);
    await expect.poll(() => stateOf(t, runId), { timeout: 20_000 }).toBe('running');
    const row = t.page.locator(`tr[data-run="${runId}"]`);
    expect(await row.innerText()).toContain(`${uri} #1`);
    expect(await row.innerText()).toContain('manual');
    // The duration ticks while it runs.
    const duration = row.locator('td.duration');
    await expect.poll(() => duration.innerText()).toMatch(/^\d/);
    const before = await duration.innerText();
    await expect.poll(() => duration.innerText()).not.toBe(before);
    await t.shot('runs-live-running');
    await expect.poll(() => stateOf(t, runId), { timeout: 30_000 }).toBe('succeeded');
    expect(await row.locator('td.duration').innerText()).toMatch(/^\d+(\.\d)? s$/);
    expect(await t.page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42); // no reload
    await t.shot('runs-live-succeeded');
    expect(t.problems).toEqual([]);
  });

  it('narrows by the filters, keeps them in the URL (back works), and pages with a small limit', async () => {
    const ok = `ui/${tag}/paged`;
    const bad = `ui/${tag}/broken`;
    await Promise.all([api.applyFlow(flow(ok, 'true')), api.applyFlow(flow(bad, 'exit 3'))]);
    const started: { runId: string }[] = [];
    for (let i = 0; i < 3; i++) started.push(await api.startRun(ok));
    const failed = await api.startRun(bad);
    await Promise.all([...started, failed].map((r) => waitForRun(api, r.runId)));
    await Promise.all([listed(ok, 3), listed(bad, 1)]);

    const t = await signedIn();
    await t.page.goto('/runs');
    await t.page.locator(`tr[data-run="${failed.runId}"]`).waitFor();
    await t.page.getByLabel('State').selectOption('failed');
    await expect.poll(() => new URL(t.page.url()).search).toBe('?status=failed');
    await expect.poll(() => t.page.locator(`tr[data-run="${started[0]!.runId}"]`).count()).toBe(0);
    const states = await t.page.locator('tbody [data-state]').allInnerTexts();
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['failed']));
    await t.shot('runs-filtered-failed');
    await t.page.getByLabel('Flow').fill(ok);
    await t.page.getByLabel('Flow').press('Enter');
    await expect.poll(() => new URL(t.page.url()).searchParams.get('flow')).toBe(ok);
    await t.page.getByText('No runs match these filters.').waitFor();
    await t.page.goBack();
    await expect.poll(() => new URL(t.page.url()).search).toBe('?status=failed');
    expect(await t.page.getByLabel('Flow').inputValue()).toBe('');
    await t.page.locator(`tr[data-run="${failed.runId}"]`).waitFor();

    await t.page.goto(`/runs?flow=${encodeURIComponent(ok)}&limit=2`);
    const numbers = async () => (await t.page.locator('tbody tr td:first-child').allInnerTexts()).map((text) => text.split('#')[1]);
    // The order is visibility's (the dev server's SQL visibility puts the last to end first): the pages split the three runs.
    await expect.poll(async () => (await numbers()).length).toBe(2);
    const first = await numbers();
    await t.page.getByRole('button', { name: 'Older →' }).click();
    await expect.poll(numbers).toHaveLength(1);
    const older = await numbers();
    expect([...first, ...older].sort()).toEqual(['1', '2', '3']);
    expect(await t.page.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    await t.shot('runs-paged-older');
    await t.page.getByRole('button', { name: '← Newer' }).click();
    await expect.poll(numbers).toEqual(first);
    expect(await t.page.getByRole('button', { name: '← Newer' }).isDisabled()).toBe(true);

    // A filter the API refuses shows its answer.
    await t.page.goto('/runs?since=2026-01-02T00:00:00.000Z&until=2026-01-01T00:00:00.000Z');
    const alert = t.page.getByRole('alert');
    await expect.poll(() => alert.innerText().catch(() => '')).toContain('`since` must be before `until`');
    expect(await alert.innerText()).toContain('400 bad_time_range');
    await t.shot('runs-refused-filter');
    expect(t.problems).toEqual([]);
  });

  it('shows a run at an approval gate as waiting for approval', async () => {
    const uri = `ui/${tag}/gated`;
    await api.applyFlow(`
uri: ${uri}
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ] }
  - { type: pause, name: release-approval }
  - { name: deploy, actions: [ { name: a, jobs: [ { name: d, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ] }
`);
    const { runId } = await api.startRun(uri);
    try {
      await expect.poll(async () => (await api.runStatus(runId)).state, { timeout: 30_000 }).toBe('waiting');
      // The list's state is the CoflowStatus search attribute, which follows the gate.
      const t = await signedIn();
      await t.page.goto(`/runs?flow=${encodeURIComponent(uri)}`);
      const badge = t.page.locator(`tr[data-run="${runId}"] [data-state]`);
      await expect.poll(() => badge.innerText().catch(() => ''), { timeout: 15_000 }).toBe('waiting for approval');
      await t.page.getByLabel('State').selectOption('waiting');
      await expect.poll(() => new URL(t.page.url()).searchParams.get('status')).toBe('waiting');
      await badge.waitFor();
      await t.shot('runs-waiting-for-approval');
      expect(t.problems).toEqual([]);
    } finally {
      await api.request('POST', `/api/v1/runs/${runId.replace('#', '/')}/cancel`, '{}', 'application/json').catch(() => undefined);
    }
  });
});

describe('flows', () => {
  it('lists flows; a flow page switches versions (YAML), draws the graph, shows triggers, receivers and runs, and starts a run with a comment', async () => {
    const uri = `ui/${tag}/shop`;
    const extra = `title: Shop CI
triggers:
  - github: { events: [push], branches: [main], secret: github-hook }
  - webhook: { secret: generic-hook }
  - schedule: { cron: "0 3 * * *", timezone: Europe/Brussels }
receivers:
  - { type: slack, address: "https://hooks.slack.com/services/\${{ secrets.SLACK_PATH }}", on: [failure] }
  - { type: mail, address: ops@example.test, on: [approval] }`;
    await api.applyFlow(flow(uri, 'echo one', '# first version'));
    await api.applyFlow(flow(uri, 'echo two', extra));
    const t = await signedIn();
    await t.page.goto('/flows');
    const row = t.page.locator(`tr[data-flow="${uri}"]`);
    expect(await row.innerText()).toContain('Shop CI');
    expect(await row.innerText()).toContain('v2');
    expect(await row.innerText()).toContain('none');
    expect(await t.page.getByRole('link', { name: 'New flow' }).getAttribute('href')).toBe('/flows/new');
    await t.shot('flows-list');
    // A page at a time through the API's cursor.
    await t.page.goto('/flows?limit=1');
    const rows = t.page.locator('tbody tr[data-flow]');
    await expect.poll(() => rows.count()).toBe(1);
    const firstFlow = await rows.getAttribute('data-flow');
    await t.page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => rows.getAttribute('data-flow')).not.toBe(firstFlow);
    await t.page.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => rows.getAttribute('data-flow')).toBe(firstFlow);
    await t.page.goto('/flows');
    await row.getByRole('link', { name: uri }).click();
    await t.page.getByRole('heading', { name: 'Shop CI' }).waitFor();
    expect(new URL(t.page.url()).pathname).toBe(`/flows/${uri}`);
    const source = t.page.getByLabel('Flow source');
    await expect.poll(() => source.innerText()).toContain('echo two');
    expect(await t.page.locator('.source-line').first().locator('.line-no').innerText()).toBe('1');
    await t.page.locator('g.job[data-path="build.compile.make"]').waitFor();
    expect(await t.page.locator('.hook-url').allInnerTexts()).toEqual([`${h.platform.apiUrl}/hooks/github/${uri}`, `${h.platform.apiUrl}/hooks/generic/${uri}`]);
    const triggers = await t.page.locator('.flow-triggers').innerText();
    expect(triggers).toContain('0 3 * * *');
    expect(triggers).toContain('Europe/Brussels');
    expect(triggers).toContain('from secret SLACK_PATH');
    expect(triggers).not.toContain('hooks.slack.com');
    expect(triggers).toContain('ops@example.test');
    expect(await t.page.getByRole('link', { name: 'Edit' }).getAttribute('href')).toBe(`/flows/${uri}/edit`);
    await t.shot('flow-page-v2');

    await t.page.getByLabel('Version').selectOption('1');
    await expect.poll(() => new URL(t.page.url()).search).toBe('?version=1');
    await expect.poll(() => source.innerText()).toContain('# first version');
    expect(await source.innerText()).not.toContain('echo two');
    expect(await t.page.locator('.flow-triggers').innerText()).toContain('No triggers');
    await t.shot('flow-page-v1');

    await t.page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = t.page.getByRole('dialog');
    await dialog.getByLabel(/Comment/).fill('from the browser test');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(() => new URL(t.page.url()).pathname).toBe(`/runs/${uri}/1`);
    const run = await waitForRun(api, `${uri}#1`);
    expect(run.state).toBe('succeeded');
    await t.page.goBack();
    await t.page.locator(`tr[data-run="${uri}#1"]`).waitFor({ timeout: 15_000 });
    await t.shot('flow-page-runs');
    expect(t.problems).toEqual([]);

    // A viewer reads the same page; starting and editing are not offered.
    const v = await signedIn(VIEWER.token);
    await v.page.goto(`/flows/${uri}`);
    const runButton = v.page.getByRole('button', { name: 'Run', exact: true });
    await runButton.waitFor();
    expect(await runButton.isDisabled()).toBe(true);
    expect(await v.page.locator('.head-actions').innerText()).toContain('Starting a run needs the operator role');
    expect(await v.page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    await v.shot('flow-page-viewer');
    await v.page.goto('/flows');
    await v.page.locator(`tr[data-flow="${uri}"]`).waitFor();
    expect(await v.page.getByRole('link', { name: 'New flow' }).count()).toBe(0);
    expect(v.problems).toEqual([]);
  });

  it('asks for the declared inputs, shows the API\'s 422 for a bad one, and opens the run it started', async () => {
    const uri = `ui/${tag}/deploy`;
    const yaml = flow(uri, 'echo to ${{ inputs.target }}', `inputs:
  target: { description: where to deploy, required: true, options: [staging, production] }
  level: { default: info }`);
    await api.applyFlow(yaml);
    const t = await signedIn();
    await t.page.goto(`/flows/${uri}`);
    await t.page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = t.page.getByRole('dialog');
    const target = dialog.locator('[data-input="target"]');
    expect(await target.innerText()).toContain('where to deploy');
    expect(await target.locator('.required').count()).toBe(1);
    expect(await dialog.locator('[data-input="level"] input').inputValue()).toBe('info');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(() => target.locator('.problem').innerText().catch(() => '')).toMatch(/input "target" is required/);
    expect(await dialog.getByRole('alert').first().innerText()).toBeTruthy();
    expect(await dialog.locator('.error-code').innerText()).toContain('422 invalid_inputs');
    await t.shot('run-dialog-422');
    await target.locator('select').selectOption('staging');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(() => new URL(t.page.url()).pathname).toBe(`/runs/${uri}/1`);
    const run = await waitForRun(api, `${uri}#1`);
    expect(run.state).toBe('succeeded');
    expect((run as unknown as { inputs?: Record<string, string> }).inputs).toEqual({ target: 'staging', level: 'info' });
    expect(t.problems).toEqual([]);
  });
});

describe('components', () => {
  it('lists the catalog with versions, inputs and outputs, and filters it', async () => {
    const t = await signedIn();
    await t.page.goto('/components');
    const git = t.page.locator('[data-component="library/git-clone"]');
    await git.waitFor();
    const text = await git.innerText();
    expect(text).toContain('Clones a Git repository');
    expect(await git.locator('table.inputs tr', { hasText: 'url' }).innerText()).toContain('required');
    expect(await git.locator('table.inputs tr', { hasText: 'depth' }).innerText()).toContain('1');
    expect(await git.locator('table.outputs').innerText()).toContain('commit');
    expect(await t.page.locator('[data-component="library/shell"]').count()).toBe(1);
    await t.shot('components');
    await t.page.getByLabel('Filter components').fill('clones');
    await expect.poll(() => t.page.locator('[data-component]').count()).toBe(1);
    await t.page.getByLabel('Filter components').fill('no-such-thing');
    await t.page.getByText('No component matches').waitFor();
    await t.shot('components-filtered');
    expect(t.problems).toEqual([]);
  });
});
