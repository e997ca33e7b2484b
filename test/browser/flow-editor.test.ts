/**
 * Drawing and editing a flow in a real browser against a real platform:
 * a flow drawn from nothing on the graph (stages, actions, a rename, a data
 * link), a mistake marked at its line while typing and cleared when fixed,
 * applied and run to success; and an existing flow with comments opened and
 * applied without edits (and after a graph edit undone) — the API answers
 * "unchanged" and the stored source is byte for byte what was applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, waitForRun, job, type Harness } from '../support/harness.ts';
import { launchBrowser, type TestBrowser } from './support.ts';

let h: Harness;
let browser: TestBrowser;

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness(), launchBrowser(import.meta.filename)]);
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const yamlText = (page: Page) => page.locator('.cm-content').innerText();

/** Presses a toolbar button and answers its name form. */
async function named(page: Page, button: string, name: string): Promise<void> {
  await page.getByRole('toolbar').getByRole('button', { name: button, exact: true }).click();
  const form = page.locator('form.edit-form');
  await form.locator('input[name=name]').fill(name);
  await form.getByRole('button', { name: 'OK' }).click();
  await form.waitFor({ state: 'detached' });
}

describe('the flow editor', () => {
  it('draws a new flow on the graph, marks a mistake while typing, applies it and runs it', async () => {
    const { page, problems, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto('/flows/new');
    await expect.poll(() => yamlText(page)).toContain('uri: my-team/my-repo/my-flow');
    await expect.poll(() => page.locator('.validity').innerText()).toBe('valid');
    await page.locator('[data-path="build.build.hello"]').waitFor();
    await shot('1-new-from-template');

    // From nothing: an empty flow, its uri typed.
    await page.getByRole('button', { name: 'Start from an empty flow' }).click();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('uri: test/editor/drawn\n');
    await expect.poll(() => page.locator('.flow-graph g.stage').count()).toBe(0);

    await named(page, 'Add stage', 'build');
    await page.locator('[data-stage="build"] .stage-name').click();
    await named(page, 'Add action', 'compile');
    await named(page, 'Add stage', 'ship'); // after the selected stage
    await page.locator('[data-stage="ship"] .stage-name').click();
    await named(page, 'Add action', 'upload');
    await page.locator('[data-path="build.compile.compile"]').click();
    await named(page, 'Rename', 'make');
    await page.locator('[data-path="build.compile.make"]').click();
    await page.getByRole('button', { name: 'Link output…' }).click();
    const link = page.locator('form.edit-form');
    await link.locator('input[name=output]').fill('ARTIFACT');
    await link.locator('select[name=to]').selectOption('ship.upload.upload');
    await link.locator('input[name=env]').fill('ART');
    await link.getByRole('button', { name: 'Link' }).click();
    await expect.poll(() => page.locator('.flow-graph .edges path').count()).toBe(1);
    const drawn = await yamlText(page);
    expect(drawn).toContain('- "build.compile.make[ARTIFACT]": ART');
    expect(drawn).toMatch(/name: make\n\s+endpoint: coflow\/shell:1\.0\.0\n\s+script: echo compile\n\s+outputs:\n\s+- ARTIFACT/);
    await expect.poll(() => page.locator('.validity').innerText()).toBe('valid');
    await shot('2-drawn-and-linked');

    // The producer writes its output: typed into the script line.
    await page.locator('.cm-line', { hasText: 'script: echo compile' }).click();
    await page.keyboard.press('End');
    await page.keyboard.type('; echo "[COUT] ARTIFACT = 1.0"');

    // A mistake while typing: marked at its line, listed, then fixed.
    await page.keyboard.press('Control+End');
    await page.keyboard.type('timeout: soon');
    const lines = (await yamlText(page)).split('\n');
    const line = lines.findIndex((l) => l === 'timeout: soon') + 1;
    await page.locator('.cm-lintRange-error').first().waitFor();
    const problem = page.getByRole('list', { name: 'problems' }).getByRole('button').first();
    await expect.poll(() => problem.innerText()).toContain(`${line}:10 error timeout`);
    await shot('3-mistake-marked');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('10m');
    await expect.poll(() => page.locator('.validity').innerText()).toBe('valid');
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
    expect(await page.getByRole('list', { name: 'problems' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('.apply-outcome').innerText()).toContain('Stored as version 1 of test/editor/drawn.');
    await shot('4-applied');
    const stored = (await h.api.getFlow('test/editor/drawn')).source;
    expect(stored).toContain('- "build.compile.make[ARTIFACT]": ART');
    expect(stored.endsWith('timeout: 10m')).toBe(true);

    await page.locator('.apply-outcome').getByRole('button', { name: 'Run' }).click();
    await page.waitForURL('**/runs/test/editor/drawn/1');
    const run = await waitForRun(h.api, 'test/editor/drawn#1');
    expect(run.state).toBe('succeeded');
    expect(job(run, 'build.compile.make').outputs).toEqual({ ARTIFACT: '1.0' });
    await shot('5-run-page');
    expect(problems).toEqual([]);
  });

  it('opens a flow with comments and applies it without edits (a rename undone): unchanged, byte for byte', async () => {
    const source = [
      '# kept as written',
      "uri: 'test/editor/kept'   # quoted on purpose",
      '',
      'stages:',
      '  - { type: start, name: start }',
      '  -   name: only      # odd spacing',
      '      actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ]',
      '',
      '# no newline at the end',
    ].join('\n');
    const first = await h.api.applyFlow(source);
    const { page, problems, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto('/flows/test/editor/kept/edit');
    await page.locator('[data-path="only.a.j"]').waitFor();
    await expect.poll(() => page.locator('.validity').innerText()).toBe('valid');
    // A graph edit is one undo step: renamed in place, then undone to the very same text.
    await page.locator('[data-path="only.a.j"]').click();
    await named(page, 'Rename', 'k');
    await expect.poll(() => yamlText(page)).toContain('jobs: [ { name: k, endpoint: "coflow/shell:1.0.0", script: "true" } ]');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Z');
    await page.locator('[data-path="only.a.j"]').waitFor();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('.apply-outcome').innerText()).toContain(`Unchanged: test/editor/kept stays at version ${first.version}.`);
    await shot('6-existing-unchanged');
    expect((await h.api.getFlow('test/editor/kept')).source).toBe(source);
    expect((await h.api.flowVersions('test/editor/kept')).versions).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});
