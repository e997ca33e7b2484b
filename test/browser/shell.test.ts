/**
 * The UI is served by the API at `/` of a real platform and opens in a real
 * browser: the shell, its navigation, deep links, and the API next to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
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

describe('the web UI shell', () => {
  it('opens at / with the navigation, follows a deep link, and leaves the API alone', async () => {
    const { page, problems, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto('/');
    await expect.poll(() => page.locator('header nav').innerText()).toContain('Runs');
    await page.getByRole('link', { name: 'Components' }).click();
    expect(new URL(page.url()).pathname).toBe('/components');
    await shot('shell-components');
    // A reload of a deep link serves the page, not a 404.
    const res = await page.goto('/flows');
    expect(res?.status()).toBe(200);
    expect(await page.locator('header nav a[aria-current=page]').innerText()).toBe('Flows');
    const api = await fetch(`${h.platform.apiUrl}/api/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(problems).toEqual([]);
  });
});
