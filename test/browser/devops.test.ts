/**
 * The DevOps metrics and deployments pages in a real browser, over a history
 * seeded through the real API (environments, incidents) and the store the
 * API reads (deployments, with fixed times relative to this week's Monday):
 * the four values and tiers, one chart point per week, the rolled-back
 * deployment, the manifest, and why a rollback is not offered or refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentRecord, NewDeployment, ShippedCommit } from '../../contracts/deployments.ts';
import type { DoraReport } from '../../contracts/dora.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { launchBrowser, type TestBrowser } from './support.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const FLOW = 'acme/shop/deliver';
const ENVIRONMENTS = `namespace: acme
environments:
  - name: dev
    tier: development
    kubernetes: { namespace: shop-dev }
  - name: prod
    tier: production
    kubernetes: { namespace: shop-prod }
    protection: { approvers: [alice], branches: [main] }
`;
const MANIFEST = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n  labels: { app: shop }\nspec:\n  replicas: 2\n';

/** Monday 00:00 UTC of the week `weeksAgo` weeks before this one, plus `offset` ms. */
function at(weeksAgo: number, offset: number): string {
  const now = new Date();
  const monday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - ((now.getUTCDay() + 6) % 7) * DAY;
  return new Date(monday - weeksAgo * 7 * DAY + offset).toISOString();
}

let h: Harness;
let browser: TestBrowser;
const seeded: Record<string, DeploymentRecord> = {};

/** One finished deployment straight into the store, its commit `leadHours` before it finished. */
async function deploy(name: string, start: string, minutes: number, result: 'succeeded' | 'failed', over: Partial<NewDeployment> & { leadHours?: number } = {}) {
  const { leadHours, ...rest } = over;
  const finishedAt = new Date(Date.parse(start) + minutes * 60_000).toISOString();
  const sha = Buffer.from(name).toString('hex').padEnd(40, '0');
  const commits: ShippedCommit[] = leadHours === undefined ? [] : [{ sha, committedAt: new Date(Date.parse(finishedAt) - leadHours * HOUR).toISOString() }];
  const started = await h.platform.store.startDeployment({
    key: `seed/${name}`, namespace: 'acme', environment: 'prod', application: 'shop', kind: 'deploy', flowUri: FLOW,
    commit: sha, branch: 'main', user: 'alice', images: [`registry.local/shop:${name}`], strategy: 'rolling', startedAt: start, ...rest,
  });
  seeded[name] = await h.platform.store.finishDeployment(started.id, {
    result, finishedAt, manifest: `${MANIFEST}# ${name}\n`, manifestDigest: `sha256:${'ab'.repeat(32)}`, commits,
    ...(result === 'failed' ? { reason: '1/2 replicas not ready: readiness probe failed' } : {}),
  });
}

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness(), launchBrowser(import.meta.filename)]);
  await h.api.request('PUT', '/api/v1/environments/acme', ENVIRONMENTS);
  // prod: v1 ok (lead 2 h); v2 fails and is rolled back to v1; v3 ok (lead 4 h) with an incident; v4 ok (lead 6 h).
  await deploy('v1', at(3, 10 * HOUR), 5, 'succeeded', { leadHours: 2 });
  await deploy('v2', at(3, 2 * DAY + 10 * HOUR), 5, 'failed', { leadHours: 1 });
  await deploy('rb', at(3, 2 * DAY + 10 * HOUR + 10 * 60_000), 3, 'succeeded', { kind: 'rollback', rollbackOf: seeded['v2']!.id, restores: seeded['v1']!.id, user: 'bob' });
  await deploy('v3', at(2, DAY + 10 * HOUR), 5, 'succeeded', { leadHours: 4 });
  await deploy('v4', at(1, 3 * DAY + 10 * HOUR), 5, 'succeeded', { leadHours: 6 });
  // dev is not of the production tier: not counted by default.
  await deploy('dv', at(1, 10 * HOUR), 2, 'succeeded', { environment: 'dev', leadHours: 1 });
  await deploy('df', at(1, 11 * HOUR), 2, 'failed', { environment: 'dev' });
  const incident = (body: object) => h.api.request<{ id?: number; incident?: { id: number } }>('POST', '/api/v1/incidents', JSON.stringify(body), 'application/json');
  const opened = await incident({ namespace: 'acme', environment: 'prod', application: 'shop', deployment: seeded['v3']!.id, title: 'checkout errors', openedAt: at(2, DAY + 12 * HOUR) });
  await h.api.request('POST', `/api/v1/incidents/${opened.id ?? opened.incident!.id}/resolve`, JSON.stringify({ resolvedAt: at(2, DAY + 13 * HOUR) }), 'application/json');
  // Open, in dev: listed first, not a production failure.
  await incident({ namespace: 'acme', environment: 'dev', application: 'shop', title: 'slow search', openedAt: at(0, 0) });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('DevOps metrics and deployments in the web UI', () => {
  it('shows the four keys of the production tier with their tiers and one chart point per week', async () => {
    const { page, problems, shot } = await browser.newPage(h.platform.apiUrl);
    const answer = page.waitForResponse((r) => r.url().includes('/api/v1/metrics/dora'));
    await page.goto('/runs');
    await page.getByRole('link', { name: 'DevOps metrics' }).click();
    const report = (await (await answer).json()) as DoraReport;
    expect(report.environments).toEqual(['prod']);
    const card = (metric: string) => page.locator(`.dora-card[data-metric=${metric}]`);
    await card('frequency').waitFor();
    // By hand: 3 successful prod deployments (the rollback is a recovery, dev is not production);
    // 2 of 4 failed or caused an incident; lead times 2, 4 and 6 hours; recoveries 8 min
    // (v2 failed → the rollback) and 1 hour (the incident), median 34 min.
    expect(await card('frequency').locator('p').first().innerText()).toMatch(/^3 successful deployments/);
    expect(await card('failureRate').locator('.dora-value').innerText()).toBe('50 %');
    expect(await card('leadTime').locator('.dora-value').innerText()).toBe('4 hours');
    expect(await card('recovery').locator('.dora-value').innerText()).toBe('34 min');
    // Each card shows the tier the API computed, by name.
    const tiers = { frequency: report.deploymentFrequency.tier, leadTime: report.leadTime.tier, failureRate: report.changeFailureRate.tier, recovery: report.recoveryTime.tier };
    for (const [metric, tier] of Object.entries(tiers)) {
      expect(await card(metric).locator('.tier-badge').getAttribute('data-tier')).toBe(tier ?? '');
      expect((await card(metric).locator('.tier-badge').innerText()).toLowerCase()).toBe(tier ?? 'no tier');
    }
    // One point per week of the series, each naming its week and value.
    const weeks = page.locator('[data-series=deployments] g.week');
    expect(report.weekly.length).toBeGreaterThanOrEqual(12);
    expect(await weeks.count()).toBe(report.weekly.length);
    expect(await page.locator('[data-series=leadTimeMedianHours] g.week').count()).toBe(report.weekly.length);
    const v3Week = page.locator(`[data-series=leadTimeMedianHours] g.week[data-week^="${at(2, 0).slice(0, 10)}"]`);
    await v3Week.focus();
    await expect.poll(() => page.locator('[data-series=leadTimeMedianHours] .chart-readout').innerText()).toBe(`week of ${at(2, 0).slice(0, 10)}: 4 hours`);
    await shot('dora');
    // A window of 4 weeks is a new query with its own series.
    await page.getByLabel('Window').selectOption('4');
    await expect.poll(() => weeks.count()).toBeLessThan(report.weekly.length);
    expect(new URL(page.url()).searchParams.get('weeks')).toBe('4');
    // Another environment: dev had one success (the open incident, linked to it as the deployment live
    // when it opened, makes it a failure too) and one failure.
    await page.getByLabel('Environment').selectOption('dev');
    await expect.poll(() => page.locator('.dora-scope').innerText()).toContain('Environments: dev');
    expect(await card('frequency').locator('p').first().innerText()).toBe('1 successful deployment in the window');
    expect(await card('failureRate').locator('.dora-value').innerText()).toBe('100 %');
    // A flow that deployed nothing: the page says what to do.
    await page.getByLabel('Flow').fill('acme/shop/other');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('[data-empty=deployments]').innerText()).toContain('No deployments in this window.');
    expect(await card('frequency').locator('.dora-value').innerText()).toBe('no deployments');
    await shot('dora-empty');
    expect(problems).toEqual([]);
  });

  it('lists deployments with the rolled-back one, shows a manifest, and shows why a rollback is refused', async () => {
    const { page, problems, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto('/deployments');
    const row = (name: string) => page.locator(`tr[data-deployment="${seeded[name]!.id}"]`);
    await row('v4').waitFor();
    // Newest first.
    const ids = await Promise.all((await page.locator('table.deployments tbody tr').all()).map(async (r) => Number(await r.getAttribute('data-deployment'))));
    expect(ids).toHaveLength(7);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(await row('v2').locator('.badge').innerText()).toBe('rolled back');
    expect(await row('rb').innerText()).toContain(`rolls back #${seeded['v2']!.id}`);
    await page.getByLabel('Environment').selectOption('acme/dev');
    await expect.poll(() => page.locator('table.deployments tbody tr').count()).toBe(2);
    expect(new URL(page.url()).searchParams.get('environment')).toBe('dev');
    // Incidents: the open one first; "resolved" leaves the other.
    expect(await page.locator('table.incidents tbody tr').first().innerText()).toContain('slow search');
    await page.goto('/deployments?incidents=resolved');
    await expect.poll(() => page.locator('table.incidents tbody tr').allInnerTexts()).toEqual([expect.stringContaining('checkout errors')]);
    expect(await page.locator('table.incidents tbody tr').first().innerText()).toContain(`#${seeded['v3']!.id}`);
    await page.goto('/deployments');
    await shot('deployments');
    await row('v1').getByRole('link', { name: `#${seeded['v1']!.id}` }).click();
    await expect.poll(() => page.locator('pre.manifest').innerText()).toContain('# v1');
    expect(await page.locator('.digest').innerText()).toContain(`sha256:${'ab'.repeat(32)}`);
    await shot('deployment');
    // A failed deployment is not offered, with the reason.
    await page.goto(`/deployments/${seeded['df']!.id}`);
    const button = page.getByRole('button', { name: 'Roll back to this' });
    await button.waitFor();
    expect(await button.isDisabled()).toBe(true);
    expect(await page.locator('.rollback').innerText()).toContain(`Cannot roll back to it: deployment ${seeded['df']!.id} is failed, not succeeded`);
    // v4 is what runs: the API refuses to restore it, and the page shows its reason.
    const refusal = await fetch(`${h.platform.apiUrl}/api/v1/deployments/${seeded['v4']!.id}/rollback`, { method: 'POST' });
    expect(refusal.status).toBe(409);
    const message = ((await refusal.json()) as { error: { message: string } }).error.message;
    await page.goto(`/deployments/${seeded['v4']!.id}`);
    await page.getByRole('button', { name: 'Roll back to this' }).click();
    await page.getByRole('button', { name: `Roll back to #${seeded['v4']!.id}` }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain(message);
    await shot('rollback-refused');
    expect(problems).toEqual([]);
  });
});
