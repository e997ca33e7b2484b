/**
 * The log viewer in a real browser on a real platform: a job printing
 * 100,000 lines (ANSI colours, a masked secret) followed live, searched,
 * linked by line, downloaded; a job that failed once then succeeded, per
 * attempt; a job not started yet and one that printed nothing.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainText } from '../../web/src/logs/ansi.ts';
import { allLogs, startHarness, waitForRun, type Harness } from '../support/harness.ts';
import type { Locator } from 'playwright-core';
import { launchBrowser, type TestBrowser, type TestPage } from './support.ts';

const SECRET = 'l0g-v13wer-s3cret';
const COUNT = 100_000;
/** Lines before `seq`: three coloured ones and the secret's. */
const HEAD = 4;
const TOTAL = HEAD + COUNT + 1;

const FLOW = `
uri: test/logs/viewer
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: big
            endpoint: coflow/shell:1.0.0
            environments: [ { TOKEN: "\${{ secrets.API_TOKEN }}" } ]
            script: |
              printf '\\033[1;31mbold red\\033[0m plain\\n'
              printf '\\033[38;5;208m256 orange\\033[0m\\n'
              printf '\\033[38;2;10;200;30mtruecolor green\\033[0m\\n'
              echo "token is $TOKEN"
              sleep 3
              seq 1 ${COUNT}
              sleep 1
              echo done >&2
          - name: flaky
            endpoint: coflow/shell:1.0.0
            retries: { max: 1, backoff: 200ms }
            script: 'echo "attempt $CO_ATTEMPT here"; [ "$CO_ATTEMPT" -ge 2 ]'
          - { name: quiet, endpoint: coflow/shell:1.0.0, script: "true" }
  - name: later
    actions: [ { name: a, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "echo later" } ] } ]
`;

let h: Harness;
let browser: TestBrowser;
let runId: string;
let runUrl: string;

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness({ secrets: { API_TOKEN: SECRET } }), launchBrowser(import.meta.filename)]);
  const flow = await h.api.applyFlow(FLOW);
  runId = (await h.api.startRun(flow.uri)).runId;
  runUrl = `/runs/${runId.replace('#', '/')}`;
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const row = (p: TestPage, n: number) => p.page.locator(`.log-line[data-line="${n}"]`);
/** Computed colour and weight of an element (this file compiles without the DOM library). */
const look = (l: Locator) => l.evaluate((e) => {
  const s = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; fontWeight: string } }).getComputedStyle(e);
  return [s.color, s.fontWeight];
});
const lineCount = (p: TestPage) => p.page.locator('.log-viewer').getAttribute('data-lines').then(Number);

/** Occurrences of `needle` in 1..COUNT, counted the way the viewer does (non-overlapping). */
const occurrences = (needle: string) => Array.from({ length: COUNT }, (_, i) => String(i + 1).split(needle).length - 1).reduce((a, b) => a + b, 0);

describe('the log viewer', () => {
  it('follows 100,000 lines live, sticking to the bottom, with few rows in the DOM; a job not started yet waits', async () => {
    // Open while the job sleeps after its first lines: the rest arrives over SSE.
    await expect.poll(async () => (await h.api.logs(runId, { job: 's.a.big' })).lines.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(HEAD);
    const p = await browser.newPage(h.platform.apiUrl);
    const t0 = Date.now();
    await p.page.goto(`${runUrl}?job=s.a.big`);
    await expect.poll(() => p.page.locator('.log-status').innerText()).toContain('following');
    const waiting = await browser.newPage(h.platform.apiUrl);
    await waiting.page.goto(`${runUrl}?job=later.a.j`);
    await expect.poll(() => waiting.page.locator('.log-empty').innerText()).toBe('Waiting for the job to start…');
    await waiting.shot('waiting-for-the-job');

    await expect.poll(() => lineCount(p), { timeout: 60_000, interval: 250 }).toBe(TOTAL);
    console.log(`log viewer: ${TOTAL} lines shown ${Date.now() - t0} ms after opening the page`);
    // Stuck to the bottom: the last line (stderr, marked) is in view.
    await expect.poll(() => row(p, TOTAL).isVisible()).toBe(true);
    expect(await row(p, TOTAL).innerText()).toMatch(/err\s*done/);
    expect(await row(p, TOTAL).getAttribute('class')).toContain('stderr');
    expect(await row(p, TOTAL - 1).innerText()).toContain(String(COUNT));
    expect(await p.page.locator('.log-line').count()).toBeLessThan(120);
    await p.shot('followed-to-the-end');
    expect((await waitForRun(h.api, runId)).state).toBe('succeeded');
    expect([...p.problems, ...waiting.problems]).toEqual([]);
  });

  it('searches all lines: count, next/previous by Enter, Shift+Enter and buttons, the match in view', async () => {
    const p = await browser.newPage(h.platform.apiUrl);
    await p.page.goto(`${runUrl}?job=s.a.big`);
    await expect.poll(() => lineCount(p), { timeout: 20_000 }).toBe(TOTAL);
    const box = p.page.getByRole('searchbox', { name: 'search the log' });
    await box.fill('4242');
    const n = occurrences('4242');
    const count = p.page.locator('.log-count');
    await expect.poll(() => count.innerText()).toBe(`1 of ${n}`);
    const current = p.page.locator('.log-line .match.current');
    await expect.poll(() => current.isVisible()).toBe(true);
    expect(await current.locator('xpath=ancestor::div[contains(@class,"log-line")]').innerText()).toContain('4242'); // line 4246
    await box.press('Enter');
    await expect.poll(() => count.innerText()).toBe(`2 of ${n}`);
    await expect.poll(() => p.page.locator('.log-line:has(.match.current) .txt').innerText()).toBe('14242');
    await p.shot('search-second-match');
    await box.press('Shift+Enter');
    await expect.poll(() => count.innerText()).toBe(`1 of ${n}`);
    await p.page.getByRole('button', { name: 'previous match' }).click();
    await expect.poll(() => count.innerText()).toBe(`${n} of ${n}`);
    await expect.poll(() => p.page.locator('.log-line:has(.match.current) .txt').innerText()).toBe('94242');
    await expect.poll(() => p.page.locator('.log-line:has(.match.current)').isVisible()).toBe(true);
    await box.fill('no such text');
    await expect.poll(() => count.innerText()).toBe('no matches');
    expect(await p.page.getByRole('button', { name: 'next match' }).isDisabled()).toBe(true);
    expect(p.problems).toEqual([]);
  });

  it('opens #L5000 scrolled to that line, highlighted; a click on a number sets the hash', async () => {
    const p = await browser.newPage(h.platform.apiUrl);
    await p.page.goto(`${runUrl}?job=s.a.big#L5000`);
    await expect.poll(() => row(p, 5000).isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await row(p, 5000).getAttribute('class')).toContain('target');
    expect(await row(p, 5000).locator('.txt').innerText()).toBe(String(5000 - HEAD));
    await p.shot('line-link-5000');
    await row(p, 5003).locator('a.ln').click();
    expect(new URL(p.page.url()).hash).toBe('#L5003');
    expect(await row(p, 5003).getAttribute('class')).toContain('target');
    expect(await row(p, 5000).getAttribute('class')).not.toContain('target');
    expect(p.problems).toEqual([]);
  });

  it('renders ANSI colours as styled spans and shows the secret masked', async () => {
    const p = await browser.newPage(h.platform.apiUrl);
    await p.page.goto(`${runUrl}?job=s.a.big#L1`);
    await expect.poll(() => row(p, 1).isVisible(), { timeout: 20_000 }).toBe(true);
    const red = row(p, 1).getByText('bold red');
    expect(await look(red)).toEqual(['rgb(241, 76, 76)', '700']);
    expect((await look(row(p, 2).getByText('256 orange')))[0]).toBe('rgb(255, 135, 0)');
    expect((await look(row(p, 3).getByText('truecolor green')))[0]).toBe('rgb(10, 200, 30)');
    expect(await row(p, 1).locator('.txt').innerText()).toBe('bold red plain'); // no escape codes left
    expect(await row(p, 4).locator('.txt').innerText()).toBe('token is ***');
    expect(await p.page.locator('.log-scroll').innerText()).not.toContain(SECRET);
    await p.shot('ansi-colours-and-masked-secret');
    expect(p.problems).toEqual([]);
  });

  it('downloads the shown attempt as plain text', async () => {
    const p = await browser.newPage(h.platform.apiUrl);
    await p.page.goto(`${runUrl}?job=s.a.big`);
    await expect.poll(() => lineCount(p), { timeout: 20_000 }).toBe(TOTAL);
    const [download] = await Promise.all([p.page.waitForEvent('download'), p.page.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('s.a.big-attempt-1.txt');
    const text = readFileSync(await download.path(), 'utf8');
    const stored = (await allLogs(h.api, runId, 's.a.big')).map((l) => plainText(l.text));
    expect(text).toBe(stored.join('\n') + '\n');
    expect(text.split('\n').slice(0, HEAD)).toEqual(['bold red plain', '256 orange', 'truecolor green', 'token is ***']);
    expect(p.problems).toEqual([]);
  });

  it('offers each attempt of a job that failed once, the latest first; an empty log says so', async () => {
    const p = await browser.newPage(h.platform.apiUrl);
    await p.page.goto(`${runUrl}?job=s.a.flaky`);
    const attempt = p.page.getByRole('combobox', { name: 'attempt' });
    await expect.poll(() => p.page.locator('.log-scroll').innerText(), { timeout: 20_000 }).toContain('attempt 2 here');
    expect(await attempt.inputValue()).toBe('2');
    await attempt.selectOption('1');
    await expect.poll(() => p.page.locator('.log-scroll').innerText()).toContain('attempt 1 here');
    expect(await p.page.locator('.log-scroll').innerText()).not.toContain('attempt 2 here');
    await p.shot('attempt-1-of-2');
    await p.page.goto(`${runUrl}?job=s.a.quiet`);
    await expect.poll(() => p.page.locator('.log-empty').innerText()).toBe('This job wrote no output.');
    await p.shot('empty-log');
    expect(p.problems).toEqual([]);
  });
});
