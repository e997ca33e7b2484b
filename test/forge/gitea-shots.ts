/**
 * Screenshots of Gitea's own pages showing coflow's commit statuses, taken by
 * Chromium (test/browser/support.ts) into test-results/browser/gitea/: the
 * pull request's merge box with its checks, and the branch's commit list.
 * The test forge has no built CSS or JavaScript (the Go module carries only
 * the templates), so the pages are unstyled; the elements are cut out.
 * docs/forges.md shows copies of them (docs/images/gitea-*.png).
 */
import { expect } from 'vitest';
import { join } from 'node:path';
import { artefactDir, launchBrowser } from '../browser/support.ts';
import type { GiteaServer } from '../support/gitea.ts';

export async function giteaStatusShots(server: GiteaServer, repo: string, pr: number, context: string): Promise<void> {
  const browser = await launchBrowser('gitea.test.ts');
  try {
    const { page } = await browser.newPage(server.url);
    const dir = artefactDir('gitea.test.ts');
    await page.goto(`/${server.user}/${repo}/pulls/${pr}`);
    const box = page.locator('.pull-merge-box');
    // Without branch protection requiring checks, Gitea 1.26 heads the list "Some checks are pending" whatever their state.
    await expect.poll(() => box.getByText(context).count()).toBeGreaterThan(0);
    await box.screenshot({ path: join(dir, 'gitea-pull-request-checks.png') });
    await page.goto(`/${server.user}/${repo}/commits/branch/main`);
    const table = page.locator('#commits-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(1);
    await table.screenshot({ path: join(dir, 'gitea-commits.png') });
  } finally {
    await browser.close();
  }
}
