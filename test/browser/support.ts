/**
 * A real browser for the UI tests: Debian's Chromium driven by
 * playwright-core (Playwright's own browser download cannot work here; on a
 * laptop, COFLOW_CHROMIUM names another Chromium). Pages collect the
 * console errors and failed requests a person would not see, so tests can
 * assert there were none, and every screenshot is kept under
 * test-results/browser/<test file>/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../support/paths.ts';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable: COFLOW_CHROMIUM, else the first installed candidate. */
export function chromiumPath(): string {
  const found = process.env.COFLOW_CHROMIUM ?? CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`the browser tests need Chromium: install Debian's "chromium" package (scripts/setup.sh does) or set COFLOW_CHROMIUM; looked at ${CANDIDATES.join(', ')}`);
  return found;
}

export interface TestBrowser {
  readonly browser: Browser;
  /** A fresh context (own cookies) and page on `baseUrl`. */
  newPage(baseUrl: string): Promise<TestPage>;
  close(): Promise<void>;
}

export interface TestPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors, uncaught exceptions and failed requests so far. */
  readonly problems: string[];
  /** Saves a full-page screenshot as test-results/browser/<file>/<name>.png and returns its path. */
  shot(this: void, name: string): Promise<string>;
}

/** The folder of one test file's screenshots. */
export function artefactDir(testFile: string): string {
  const dir = join(repoRoot, 'test-results', 'browser', basename(testFile).replace(/\.test\.ts$/, ''));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Launches headless Chromium with the flags this closed network needs (FIELD-NOTES: Browsers). */
export async function launchBrowser(testFile: string): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    // Playwright gives every launch a fresh profile of its own (no --user-data-dir needed).
  });
  const dir = artefactDir(testFile);
  return {
    browser,
    async newPage(baseUrl) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        // The browser logs every 4xx answer; tests that expect one (a refusal) check the page instead.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 500) problems.push(`server error: ${r.status()} ${r.request().method()} ${r.url()}`);
      });
      page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
      page.on('requestfailed', (r) => {
        // An EventSource or fetch the page itself closed while navigating is not a failure.
        if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
      });
      return {
        page, context, problems,
        shot: async (name: string) => {
          const file = join(dir, `${name}.png`);
          await page.screenshot({ path: file, fullPage: true });
          return file;
        },
      };
    },
    async close() {
      await browser.close();
    },
  };
}
