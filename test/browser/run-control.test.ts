/**
 * Steering runs from the browser as different users on a real platform:
 * approving a gate (and being refused), pause and resume, cancel with its
 * confirmation, a 409 for a run that ended behind the page's back, re-run
 * from the failed job and in full, and a viewer's disabled buttons.
 * Signing in uses the session routes (POST /api/v1/session with a token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunStatus } from '../../contracts/run-status.ts';
import { runPath } from '../../cli/api-client.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { launchBrowser, type TestBrowser, type TestPage } from './support.ts';

const USERS = { alice: ['operator'], bob: ['operator'], vic: ['viewer'], root: ['admin'] } as const;
type User = keyof typeof USERS;
const token = (user: User) => `token-of-${user}-for-ui-tests`;

let h: Harness;
let browser: TestBrowser;

beforeAll(async () => {
  [h, browser] = await Promise.all([
    startHarness({ tokens: Object.entries(USERS).map(([user, roles]) => ({ user, roles, token: token(user as User) })) }),
    launchBrowser(import.meta.filename),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** One API call as `user` with its bearer token. */
async function call(user: User, method: string, path: string, body?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { authorization: `Bearer ${token(user)}` };
  if (body !== undefined) headers['content-type'] = 'application/yaml';
  const res = await fetch(`${h.platform.apiUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The run's page in the UI (`/runs/ns/repo/name/N`). */
const pageOf = (runId: string) => runPath(runId).slice('/api/v1'.length);
const status = async (runId: string) => (await call('vic', 'GET', runPath(runId))) as unknown as RunStatus;

/** Applies a flow as root and starts it as alice; returns the run id. */
async function start(yaml: string): Promise<string> {
  const { uri } = (await call('root', 'POST', '/api/v1/flows', yaml)) as { uri: string };
  return (await call('alice', 'POST', `/api/v1/flows/${uri}/runs`)).runId as string;
}

/** A browser page signed in as `user` (its own cookies), on the run's page. */
async function openAs(user: User, runId: string): Promise<TestPage> {
  const t = await browser.newPage(h.platform.apiUrl);
  const res = await t.page.request.post('/api/v1/session', { data: { token: token(user) } });
  if (res.status() === 404) throw new Error('POST /api/v1/session answered 404: these tests need the session routes (branch i12-session)');
  expect(res.status()).toBe(200);
  await t.page.goto(pageOf(runId));
  return t;
}

/** Polls what the page shows; runs on Docker take seconds, not the default second. */
const poll = <T,>(read: () => Promise<T> | T, timeout = 30_000) => expect.poll(read, { timeout });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'run control' });
/** The run state the control bar was drawn for. */
const shownState = (page: Page) => () => toolbar(page).getAttribute('data-state');
const button = (page: Page, name: string) => toolbar(page).getByRole('button', { name, exact: true });

const job = (name: string, script: string) => `{ name: ${name}, endpoint: coflow/shell:1.0.0, script: "${script}" }`;

describe('approval gates in the browser', () => {
  it('shows the gate; a viewer and a non-approver are refused with the reason; the approver approves with a comment and the run goes on', async () => {
    const runId = await start(`
uri: test/ui-control/gate
stages:
  - { name: build, actions: [ { name: a, jobs: [ ${job('b', 'echo built')} ] } ] }
  - type: pause
    name: release-approval
    approval: { approvers: [bob], required: 1, forbidSelfApproval: true, timeout: 30m }
  - { name: deploy, actions: [ { name: a, jobs: [ ${job('d', 'echo deployed')} ] } ] }
`);
    const viewer = await openAs('vic', runId);
    const gate = (p: Page) => p.getByRole('region', { name: 'approval release-approval' });
    await poll(() => gate(viewer.page).getAttribute('data-state')).toBe('waiting');
    await poll(() => gate(viewer.page).innerText()).toMatch(/Approvers\s+bob \(not the user who started the run\)[\s\S]*0 of 1 required[\s\S]*\(in (29|30) min, then rejected\)/);
    expect(await gate(viewer.page).getByRole('button', { name: 'Approve release-approval' }).isDisabled()).toBe(true);
    expect(await gate(viewer.page).innerText()).toContain('needs the operator role — you are viewer');
    for (const name of ['Pause', 'Cancel run', 'Re-run from failed', 'Full re-run']) expect(await button(viewer.page, name).isDisabled()).toBe(true);
    expect(await button(viewer.page, 'Pause').getAttribute('title')).toBe('needs the operator role — you are viewer');
    await viewer.shot('viewer-disabled');

    const alice = await openAs('alice', runId);
    await poll(() => gate(alice.page).innerText()).toContain('alice may not decide on stage release-approval: approvers are bob');
    expect(await gate(alice.page).getByRole('button', { name: 'Reject release-approval' }).isDisabled()).toBe(true);
    await alice.shot('non-approver-refused');

    const bob = await openAs('bob', runId);
    const approve = gate(bob.page).getByRole('button', { name: 'Approve release-approval' });
    await poll(() => approve.isEnabled()).toBe(true);
    await gate(bob.page).getByLabel('Comment').fill('ship it');
    await bob.shot('approver-before');
    await approve.click();
    await poll(shownState(bob.page), 60_000).toBe('succeeded');
    // The run page shows a gate while it waits, or when its stage is selected in the graph.
    await bob.page.locator('g.stage[data-stage="release-approval"] .stage-name').click();
    const row = gate(bob.page).getByRole('table', { name: 'decisions' }).locator('tr[data-user="bob"]');
    await poll(() => row.innerText()).toMatch(/bob\s+approved\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+ship it/);
    expect(await gate(bob.page).innerText()).toContain('Outcome\napproved');
    await bob.shot('approved-succeeded');
    for (const t of [viewer, alice, bob]) expect(t.problems).toEqual([]);
    for (const t of [viewer, alice, bob]) await t.context.close();
  });
});

describe('run control in the browser', () => {
  it('pauses and resumes a run; the page shows paused, then running', async () => {
    const runId = await start(`
uri: test/ui-control/pause
stages:
  - { name: s, actions: [ { name: a, jobs: [ ${job('first', 'sleep 2')}, ${job('second', 'sleep 3')} ] } ] }
`);
    const { page, problems, shot, context } = await openAs('alice', runId);
    await poll(shownState(page)).toBe('running');
    expect(await button(page, 'Resume').getAttribute('title')).toBe('the run is not paused');
    await button(page, 'Pause').click();
    await poll(() => toolbar(page).getByRole('status').innerText()).toContain('Paused');
    await poll(shownState(page)).toBe('paused');
    expect(await button(page, 'Pause').isDisabled()).toBe(true);
    await shot('paused');
    await button(page, 'Resume').click();
    await poll(shownState(page)).toBe('running');
    await shot('resumed');
    await poll(shownState(page)).toBe('succeeded');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('cancels only after confirmation; a stale page that pauses the ended run shows the API 409', async () => {
    const runId = await start(`
uri: test/ui-control/cancel
stages:
  - { name: s, actions: [ { name: a, jobs: [ ${job('long', 'sleep 300')} ] } ] }
`);
    const { page, problems, shot, context } = await openAs('alice', runId);
    await poll(shownState(page)).toBe('running');
    // A second tab whose view never moves on: its status stream keeps saying "running".
    const stale = await browser.newPage(h.platform.apiUrl);
    await stale.page.request.post('/api/v1/session', { data: { token: token('alice') } });
    const frozen = `id: 1\nevent: status\ndata: ${JSON.stringify(await status(runId))}\n\n`;
    await stale.page.route(/\/events$/, (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: frozen }));
    await stale.page.goto(pageOf(runId));
    await poll(() => button(stale.page, 'Pause').isEnabled()).toBe(true);

    await button(page, 'Cancel run').click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this run?' });
    await dialog.waitFor();
    await shot('cancel-confirmation');
    // Keyboard: the safe answer has the focus, Escape dismisses; then the same by the "No" button.
    expect(await page.locator(':focus').innerText()).toBe('No, keep it running');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await button(page, 'Cancel run').click();
    await dialog.getByRole('button', { name: 'No, keep it running' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await status(runId)).state).toBe('running');
    await button(page, 'Cancel run').click();
    await dialog.getByRole('button', { name: 'Yes, cancel the run' }).click();
    await poll(shownState(page)).toBe('cancelled');
    expect(await button(page, 'Cancel run').getAttribute('title')).toBe('the run has ended');
    await shot('cancelled');

    await button(stale.page, 'Pause').click();
    const refusal = stale.page.getByRole('alert');
    await poll(() => refusal.innerText()).toMatch(/The API refused: run test\/ui-control\/cancel#1 has ended \(\w+\); only an open run can be steered \(409 run_not_open\)/);
    await stale.shot('ended-elsewhere-409');
    expect([...problems, ...stale.problems]).toEqual([]);
    await Promise.all([context.close(), stale.context.close()]);
  });

  it('re-runs from the failed job (the succeeded one reused) and in full, each new run page reachable', async () => {
    const runId = await start(`
uri: test/ui-control/rerun
stages:
  - { name: build, actions: [ { name: a, jobs: [ ${job('version', 'echo built')} ] } ] }
  - { name: test, actions: [ { name: a, jobs: [ ${job('flaky', 'case $CO_RUN_ID in *#1) exit 1;; esac')} ] } ] }
`);
    const { page, problems, shot, context } = await openAs('alice', runId);
    await poll(shownState(page), 60_000).toBe('failed');
    expect(await button(page, 'Pause').getAttribute('title')).toBe('the run has ended');
    await button(page, 'Re-run from failed').click();
    const second = toolbar(page).getByRole('link', { name: '#2' });
    await second.waitFor();
    expect(await toolbar(page).getByRole('status').innerText()).toContain('Re-run started: #2 (reusing build.a.version)');
    await shot('rerun-started');
    await second.click();
    expect(new URL(page.url()).pathname).toBe(pageOf('test/ui-control/rerun#2'));
    await poll(shownState(page), 60_000).toBe('succeeded');
    expect(await page.locator('[data-path="build.a.version"]').first().textContent()).toMatch(/reused/);
    expect(await button(page, 'Re-run from failed').getAttribute('title')).toBe('only a failed run re-runs from its failed job (this one succeeded)');
    await shot('rerun-succeeded');

    await button(page, 'Full re-run').click();
    await page.getByRole('dialog', { name: 'Run everything again?' }).getByRole('button', { name: 'Yes, run everything again' }).click();
    await toolbar(page).getByRole('link', { name: '#3' }).click();
    expect(new URL(page.url()).pathname).toBe(pageOf('test/ui-control/rerun#3'));
    await poll(shownState(page), 60_000).toBe('succeeded');
    expect(await page.locator('[data-path="build.a.version"]').first().textContent()).not.toMatch(/reused/);
    await shot('full-rerun');
    expect(problems).toEqual([]);
    await context.close();
  });
});
