/**
 * Signing in with a token in a real browser: the session is an HttpOnly,
 * SameSite=Strict cookie (nothing in storage), the UI acts as the token's
 * user, a forged state-changing request is refused, signing out ends the
 * session for good.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { launchBrowser, type TestBrowser } from './support.ts';

const ADMIN = { user: 'ada', roles: ['admin'], token: 'ada-token-0123456789abcdef' };
const VIEWER = { user: 'vic', roles: ['viewer'], token: 'vic-token-0123456789abcdef' };

let h: Harness;
let browser: TestBrowser;
let attacker: Server;
let attackerUrl = '';

/** Another origin (localhost, not 127.0.0.1: another site) serving a page that posts a flow to coflow. */
function startAttacker(target: string): Promise<void> {
  attacker = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><form id="f" method="POST" action="${target}/api/v1/flows" enctype="text/plain">
      <input name="uri: evil/forged/flow\nstages: []\nx" value="y"></form>
      <script>fetch('${target}/api/v1/flows', { method: 'POST', credentials: 'include', body: 'uri: evil/forged/fetch' })
        .then((r) => { document.title = 'fetch ' + r.status; }, (e) => { document.title = 'fetch blocked'; });</script>`);
  });
  return new Promise((resolve) => attacker.listen(0, '127.0.0.1', () => {
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}`;
    resolve();
  }));
}

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness({ tokens: [ADMIN, VIEWER] }), launchBrowser(import.meta.filename)]);
  await startAttacker(h.platform.apiUrl);
});
afterAll(async () => {
  attacker?.close();
  await browser?.close();
  await h?.stop();
});

describe('signing in to the web UI', () => {
  it('refuses a wrong token, signs in with a right one into an HttpOnly SameSite=Strict cookie, and signs out for good', async () => {
    const { page, context, problems, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto('/');
    await page.getByLabel('API token').fill('not-a-token-of-anyone-here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Sign-in failed');
    await shot('sign-in-refused');

    await page.getByLabel('API token').fill(ADMIN.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('header .user').innerText()).toContain('ada');
    await shot('signed-in');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'coflow_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(ADMIN.token);
    // What scripts of the page can read (the test program has no DOM types: the expression is evaluated in the page).
    expect(await page.evaluate('[document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)]')).toEqual(['', '{}', '{}']);
    // Reloading keeps the session.
    await page.reload();
    await expect.poll(() => page.locator('header .user').innerText()).toContain('ada');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByLabel('API token').isVisible()).toBe(true);
    await shot('signed-out');
    // The old cookie, replayed, is refused: the sign-out is recorded, not just forgotten by the browser.
    const replay = await fetch(`${h.platform.apiUrl}/api/v1/flows`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(replay.status).toBe(401);
    expect(problems).toEqual([]);
  });

  it('refuses a forged state-changing request: without the CSRF header, and from another site', async () => {
    const { page, context, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto('/');
    await page.getByLabel('API token').fill(ADMIN.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('header .user').innerText()).toContain('ada');
    // A script on the page that does not know the CSRF value (the cookie alone is sent).
    const forged = await page.evaluate(async () => {
      const res = await fetch('/api/v1/flows', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: 'uri: evil/forged/same-origin\nstages: []\n' });
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('csrf');
    // Another site: its page posts a form and a fetch to coflow in the same browser.
    const evil = await context.newPage();
    await evil.goto(attackerUrl);
    await Promise.all([
      evil.waitForURL(`${h.platform.apiUrl}/api/v1/flows`),
      evil.locator('#f').evaluate((form) => (form as unknown as { submit(): void }).submit()),
    ]);
    // The SameSite=Strict cookie did not travel with the other site's form: coflow saw no session.
    expect(await evil.locator('body').innerText()).toContain('"code":"unauthorized"');
    await shot('csrf-refused');
    const flows = (await (await fetch(`${h.platform.apiUrl}/api/v1/flows`, { headers: { authorization: `Bearer ${ADMIN.token}` } })).json()) as { flows: { uri: string }[] };
    expect(flows.flows.map((f) => f.uri).filter((u) => u.startsWith('evil/'))).toEqual([]);
  });

  it('shows a viewer who they are, and the API refuses what the role may not do', async () => {
    const { page, shot } = await browser.newPage(h.platform.apiUrl);
    await page.goto('/flows');
    await page.getByLabel('API token').fill(VIEWER.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('header .user').innerText()).toContain('vic');
    expect(await page.locator('header .user').innerText()).toContain('viewer');
    await shot('viewer');
    // With the session's CSRF value, as the UI sends it: the role, not the CSRF rule, decides.
    const refused = await page.evaluate(async () => {
      const session = (await (await fetch('/api/v1/session')).json()) as { csrf: string };
      const res = await fetch('/api/v1/flows', { method: 'POST', headers: { 'x-coflow-csrf': session.csrf, 'content-type': 'application/yaml' }, body: 'uri: t/viewer/flow\nstages: []\n' });
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden' });
    expect(refused.body.error.message).toContain('admin');
  });

  it('serves every page with the security headers', async () => {
    const res = await fetch(`${h.platform.apiUrl}/runs`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
