/**
 * The run page in a real browser on a real platform (Temporal dev server,
 * Docker jobs): a run watched live on its graph, a failed job opened from
 * the graph with its attempts, a `repeat` job's repetitions, a missing run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, waitForRun, type Harness } from '../support/harness.ts';
import { launchBrowser, type TestBrowser } from './support.ts';

let h: Harness;
let browser: TestBrowser;
const stamp = Date.now();

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness(), launchBrowser(import.meta.filename)]);
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const SHELL = 'endpoint: coflow/shell:1.0.0';
const stateOf = (page: Page, path: string) => page.locator(`g.job[data-path="${path}"]`).getAttribute('data-state');
const pagePath = (runId: string) => `/runs/${runId.replace('#', '/')}`;

async function startFlow(yaml: string): Promise<string> {
  const { uri } = await h.api.applyFlow(yaml);
  return (await h.api.startRun(uri)).runId;
}

describe('the run page', () => {
  it('draws the whole flow at once and follows a run live from pending to succeeded, with its data links', async () => {
    const runId = await startFlow(`
uri: test/runpage/live-${stamp}
stages:
  - name: build
    sequencing: parallel
    actions:
      - name: compile
        jobs:
          - { name: make, ${SHELL}, script: 'sleep 2; echo "[COUT] IMAGE = app:1"', outputs: [IMAGE] }
      - name: lint
        jobs:
          - { name: vet, ${SHELL}, script: 'sleep 1' }
  - name: test
    actions:
      - name: check
        jobs:
          - name: sub
            ${SHELL}
            script: 'test "$IMAGE" = app:1'
            subscriptions: [ { "build.compile.make[IMAGE]": IMAGE } ]
      - name: verify
        jobs:
          - name: expr
            ${SHELL}
            environments: { TAG: "\${{ jobs.make.outputs.IMAGE }}" }
            script: 'test "$TAG" = app:1'
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: report, ${SHELL}, script: "true" } ] } ] }
`);
    const { page, problems, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto(pagePath(runId));
    await expect.poll(() => page.locator('g.job').count()).toBe(5);
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));
    // Drawn before it ran: the test stage is pending while build works.
    expect(await stateOf(page, 'test.check.sub')).toBe('pending');
    expect(await page.locator('path.edge.subscription').count()).toBe(1);
    expect(await page.locator('path.edge.expression').count()).toBe(1);
    // How each stage runs its actions: build's start together, test's one after the other (an arrow between them).
    expect(await page.locator('g.stage[data-stage="build"] .stage-note').textContent()).toContain('parallel');
    expect(await page.locator('g.stage[data-stage="test"] .stage-note').textContent()).toContain('sequence');
    expect(await page.locator('path.sequence-arrow').count()).toBe(1);
    await expect.poll(() => stateOf(page, 'build.compile.make'), { timeout: 20_000 }).toBe('running');
    await expect.poll(() => page.locator('.live-indicator').innerText()).toContain('live');
    await shot('live-mid-run');
    await expect.poll(() => stateOf(page, 'build.compile.make'), { timeout: 20_000 }).toBe('succeeded');
    await expect.poll(() => stateOf(page, 'end.e.report'), { timeout: 30_000 }).toBe('succeeded');
    for (const path of ['build.lint.vet', 'test.check.sub', 'test.verify.expr']) expect(await stateOf(page, path)).toBe('succeeded');
    await expect.poll(() => page.locator('.run-header .badge').getAttribute('data-state')).toBe('succeeded');
    await expect.poll(() => page.locator('.live-indicator').count()).toBe(0);
    expect(await page.locator('g.job[data-path="build.compile.make"] .job-note').textContent()).toMatch(/\d(\.\d)? s$/);
    expect(await page.locator('g.stage[data-stage="build"]').getAttribute('data-state')).toBe('succeeded');
    expect(await page.locator('.run-header').innerText()).toMatch(/manual[\s\S]*flow version\s*1/);
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // The layout was computed once, however many status events came.
    expect(await page.evaluate(() => performance.getEntriesByName('coflow:layout').length)).toBe(1);
    expect(await page.evaluate(() => performance.getEntriesByName('coflow:status').length)).toBeGreaterThan(2);
    await page.locator('g.job[data-path="build.compile.make"]').click();
    expect(await page.locator('.job-panel table.outputs').innerText()).toMatch(/IMAGE\s+app:1/);
    await shot('live-succeeded');
    expect(problems).toEqual([]);
  });

  it('shows the run\'s inputs, and opens a failed job from the graph with its attempts, exit codes, reasons and log, keeping it in the URL', async () => {
    const runId = await startFlow(`
uri: test/runpage/fail-${stamp}
inputs:
  replicas: 2
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: flaky, ${SHELL}, script: 'echo "[COUT] TRIED = $CO_ATTEMPT"; echo "tests failed on attempt $CO_ATTEMPT" >&2; exit 3', outputs: [TRIED], retries: { max: 1, backoff: 100ms } }
`);
    const status = await waitForRun(h.api, runId);
    expect(status.state).toBe('failed');
    const { page, problems, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto(pagePath(runId));
    const box = page.locator('g.job[data-path="s.a.flaky"]');
    await expect.poll(() => box.getAttribute('data-state')).toBe('failed');
    expect(await box.locator('.job-note').textContent()).toContain('attempt 2');
    expect(await page.locator('.run-inputs').innerText()).toContain('replicas=2');
    await box.focus();
    await page.keyboard.press('Enter');
    const panel = page.locator('.job-panel');
    await panel.waitFor();
    expect(new URL(page.url()).searchParams.get('job')).toBe('s.a.flaky');
    const rows = panel.locator('table.attempts tbody tr');
    expect(await rows.count()).toBe(2);
    for (const row of await rows.all()) {
      expect(await row.locator('.exit-code').innerText()).toBe('3');
      expect(await row.locator('.reason').innerText()).toMatch(/3/);
    }
    expect(await panel.innerText()).toContain('No outputs.'); // a failed job keeps none
    // Its log, latest attempt first: what the job wrote before it failed.
    const log = panel.locator('.log-viewer');
    await expect.poll(() => log.innerText()).toContain('tests failed on attempt 2');
    expect(await log.getAttribute('data-attempt')).toBe('2');
    await shot('failed-job');
    // The link opens the same job.
    await page.reload();
    await page.locator('.job-panel[data-job="s.a.flaky"]').waitFor();
    await page.getByRole('button', { name: 'close the job' }).click();
    expect(new URL(page.url()).search).toBe('');
    expect(problems).toEqual([]);
  });

  it('shows the repetitions of a repeat job, and a clear message for a run that does not exist', async () => {
    const runId = await startFlow(`
uri: test/runpage/repeat-${stamp}
stages:
  - name: soak
    actions:
      - name: scenario
        jobs:
          - { name: probe, ${SHELL}, script: 'true', repeat: { every: 300ms, count: 3 } }
`);
    await waitForRun(h.api, runId);
    const { page, problems, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto(`${pagePath(runId)}?job=soak.scenario.probe`);
    await expect.poll(() => page.locator('g.job[data-path="soak.scenario.probe"] .job-note').textContent()).toContain('×3');
    expect(await page.locator('.repetition-count').innerText()).toBe('3');
    expect(await page.locator('.job-panel .repetitions').innerText()).toContain('first started');
    await shot('repeat-job');

    await page.goto('/runs/test/runpage/no-such-flow/9');
    await page.locator('.error-box').waitFor();
    expect(await page.locator('.error-box').innerText()).toMatch(/run test\/runpage\/no-such-flow#9 not found[\s\S]*404/);
    await shot('unknown-run');
    expect(problems).toEqual([]);
  });
});
