/**
 * Signing in to the web UI, over HTTP against real API servers on loopback:
 * two API servers sharing one store (two handles on one SQLite file, as two
 * processes would) and one session key, a third whose configuration no longer
 * has a token, a fourth with authentication off; the real Temporal dev server
 * behind them. The cookie carries the session; the CSRF rules guard changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createApi, type ApiOptions } from '../api/app.ts';
import { loadCatalog } from '../components/catalog.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { repoRoot } from './support/harness.ts';

const KEY = 'the-session-key-every-api-server-shares';
const TOKENS = [
  { user: 'root', roles: ['admin'], token: 'token-of-root-for-session-tests' },
  { user: 'vic', roles: ['viewer'], token: 'token-of-vic-for-session-tests' },
];
const FLOW = `uri: test/sessions/apply
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ] }
`;

let dir: string;
let connection: Connection;
const stores: Store[] = [];
const servers: ServerType[] = [];
/** Base URLs: a and b share the key and the store; c lost root's token; off has no tokens. */
const api = { a: '', b: '', c: '', off: '' };

async function startApi(options: Partial<ApiOptions>): Promise<string> {
  const store = await openStore({ kind: 'sqlite', file: join(dir, 'coflow.db') });
  stores.push(store);
  const app = createApi({
    store, temporal: new Client({ connection }), taskQueue: `coflow-sessions-${process.pid}`,
    catalog: loadCatalog(join(repoRoot, 'components')), sessionKey: KEY, ...options,
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coflow-sessions-'));
  connection = await Connection.connect({ address: inject('temporalAddress') });
  api.a = await startApi({ tokens: TOKENS });
  api.b = await startApi({ tokens: TOKENS });
  api.c = await startApi({ tokens: TOKENS.filter((t) => t.user !== 'root') });
  api.off = await startApi({});
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
  for (const s of stores) await s.close();
  await connection?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } }; headers: Headers }

async function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Answer['body']), headers: res.headers };
}

/** Signs in at `base`; the Cookie header to send back, the csrf value and the Set-Cookie as given. */
async function signIn(base: string, token: string, headers: Record<string, string> = {}): Promise<{ cookie: string; csrf: string; setCookie: string; body: Answer['body'] }> {
  const r = await call(base, 'POST', '/api/v1/session', { 'content-type': 'application/json', ...headers }, JSON.stringify({ token }));
  expect(r.status).toBe(200);
  const setCookie = r.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrf: String(r.body.csrf), setCookie, body: r.body };
}

const applyFlow = (base: string, headers: Record<string, string>): Promise<Answer> =>
  call(base, 'POST', '/api/v1/flows', { 'content-type': 'application/yaml', ...headers }, FLOW);

describe('signing in', () => {
  it('trades a token for an HttpOnly, SameSite=Strict cookie that reads the API; a bad token gets 401 and no cookie', async () => {
    const bad = await call(api.a, 'POST', '/api/v1/session', { 'content-type': 'application/json' }, JSON.stringify({ token: 'not-a-configured-token' }));
    expect([bad.status, bad.body.error?.code, bad.body.error?.message]).toEqual([401, 'unauthorized', 'the bearer token is not valid']);
    expect(bad.headers.get('set-cookie')).toBeNull();

    const { cookie, csrf, setCookie, body } = await signIn(api.a, TOKENS[0]!.token);
    expect(setCookie).toMatch(/^coflow_session=[^;]+; Max-Age=28800; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(TOKENS[0]!.token);
    expect(body).toMatchObject({ user: 'root', roles: ['admin'], authEnabled: true, csrf: expect.any(String) as string });
    expect(Date.parse(String(body.expiresAt)) - Date.now()).toBeGreaterThan(8 * 3_600_000 - 60_000);

    expect((await call(api.a, 'GET', '/api/v1/flows', { cookie })).status).toBe(200);
    const me = await call(api.a, 'GET', '/api/v1/session', { cookie });
    expect(me.body).toEqual({ ...body, csrf });
    expect((await call(api.a, 'GET', '/api/v1/session')).status).toBe(401);
  });

  it('marks the cookie Secure when the request came over https', async () => {
    expect((await signIn(api.a, TOKENS[1]!.token, { 'x-forwarded-proto': 'https' })).setCookie).toMatch(/; Secure/);
  });

  it('answers as the anonymous admin with authentication off, and sets no cookie', async () => {
    const me = await call(api.off, 'GET', '/api/v1/session');
    expect(me.body).toMatchObject({ user: 'anonymous', roles: ['admin'], authEnabled: false, csrf: expect.any(String) as string });
    const signed = await call(api.off, 'POST', '/api/v1/session', { 'content-type': 'application/json' }, JSON.stringify({ token: 'whatever-it-is' }));
    expect([signed.status, signed.body.authEnabled, signed.headers.get('set-cookie')]).toEqual([200, false, null]);
  });
});

describe('the CSRF rules', () => {
  it('let a session change something only with its X-Coflow-CSRF value and from this origin', async () => {
    const { cookie, csrf } = await signIn(api.a, TOKENS[0]!.token);
    const refused = async (headers: Record<string, string>, why: RegExp): Promise<void> => {
      const r = await applyFlow(api.a, { cookie, ...headers });
      expect([r.status, r.body.error?.code]).toEqual([403, 'csrf']);
      expect(r.body.error?.message).toMatch(why);
    };
    await refused({}, /needs the X-Coflow-CSRF header/);
    await refused({ 'x-coflow-csrf': 'not-the-value' }, /is not this session's csrf value/);
    await refused({ 'x-coflow-csrf': csrf, origin: 'https://evil.example' }, /comes from https:\/\/evil.example/);
    const { csrf: otherSessions } = await signIn(api.a, TOKENS[0]!.token);
    await refused({ 'x-coflow-csrf': otherSessions }, /is not this session's csrf value/);
    expect(await call(api.a, 'GET', '/api/v1/flows/test/sessions/apply', { cookie })).toMatchObject({ status: 404 });

    const applied = await applyFlow(api.a, { cookie, 'x-coflow-csrf': csrf, origin: api.a });
    expect([applied.status, applied.body.uri]).toEqual([201, 'test/sessions/apply']);
    // A bearer token carries no ambient credential: no CSRF header needed.
    expect((await applyFlow(api.a, { authorization: `Bearer ${TOKENS[0]!.token}`, origin: 'https://evil.example' })).status).toBe(200);
  });

  it('refuses a sign-in posted from another site', async () => {
    const r = await call(api.a, 'POST', '/api/v1/session', { 'content-type': 'application/json', origin: 'https://evil.example' }, JSON.stringify({ token: TOKENS[0]!.token }));
    expect([r.status, r.body.error?.code, r.headers.get('set-cookie')]).toEqual([403, 'csrf', null]);
  });

  it('still applies the roles: a viewer\'s session may not start a run', async () => {
    const { cookie, csrf } = await signIn(api.a, TOKENS[1]!.token);
    const r = await call(api.a, 'POST', '/api/v1/flows/test/sessions/apply/runs', { cookie, 'x-coflow-csrf': csrf, 'content-type': 'application/json' }, '{}');
    expect([r.status, r.body.error?.code]).toEqual([403, 'forbidden']);
    expect(r.body.error?.message).toBe('vic may not do this: it needs the operator role');
  });
});

describe('sessions across API servers', () => {
  it('work on every server with the same key, and a sign-out on one ends the session on all', async () => {
    const { cookie, csrf } = await signIn(api.a, TOKENS[0]!.token);
    expect((await call(api.b, 'GET', '/api/v1/session', { cookie })).body).toMatchObject({ user: 'root', csrf });

    expect((await call(api.a, 'DELETE', '/api/v1/session', { cookie })).status).toBe(403);
    const out = await call(api.a, 'DELETE', '/api/v1/session', { cookie, 'x-coflow-csrf': csrf });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^coflow_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/);

    const after = await call(api.b, 'GET', '/api/v1/flows', { cookie });
    expect([after.status, after.body.error?.message]).toEqual([401, 'this session was signed out; sign in again']);
    expect(after.headers.get('set-cookie')).toMatch(/^coflow_session=; Max-Age=0/);
  });

  it('ends when its token is no longer configured', async () => {
    const { cookie } = await signIn(api.a, TOKENS[0]!.token);
    const r = await call(api.c, 'GET', '/api/v1/session', { cookie });
    expect([r.status, r.body.error?.message]).toEqual([401, 'the token this session was signed in with is no longer configured; sign in again']);
    expect((await call(api.c, 'GET', '/api/v1/session', { cookie: (await signIn(api.c, TOKENS[1]!.token)).cookie })).status).toBe(200);
  });
});

describe('signing a user out everywhere (admin)', () => {
  it('ends every session of that user signed in before, on every server, and no one else\'s', async () => {
    const first = await signIn(api.a, TOKENS[0]!.token);
    const second = await signIn(api.b, TOKENS[0]!.token);
    const viewer = await signIn(api.a, TOKENS[1]!.token);
    const asRoot = { authorization: `Bearer ${TOKENS[0]!.token}` };
    expect((await call(api.a, 'DELETE', '/api/v1/sessions?user=vic', { cookie: viewer.cookie, 'x-coflow-csrf': viewer.csrf })).status).toBe(403);
    expect((await call(api.a, 'DELETE', '/api/v1/sessions?user=nobody', asRoot)).status).toBe(404);

    const done = await call(api.a, 'DELETE', '/api/v1/sessions?user=root', asRoot);
    expect(done.status).toBe(200);
    expect(done.body.user).toBe('root');
    for (const [base, { cookie }] of [[api.b, first], [api.a, second]] as const) {
      const r = await call(base, 'GET', '/api/v1/session', { cookie });
      expect([r.status, r.body.error?.message]).toEqual([401, `an admin signed out every session of root at ${String(done.body.revokedBefore)}; sign in again`]);
    }
    expect((await call(api.b, 'GET', '/api/v1/session', { cookie: viewer.cookie })).status).toBe(200);
    // A session signed in after that moment (a later millisecond) is not affected.
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect((await call(api.b, 'GET', '/api/v1/session', { cookie: (await signIn(api.a, TOKENS[0]!.token)).cookie })).status).toBe(200);
  });
});

describe('every response', () => {
  it('carries the security headers, errors, probes and the UI\'s pages included', async () => {
    for (const [path, status] of [['/api/v1/flows', 401], ['/healthz', 200], ['/api/v1/openapi.json', 200], ['/hooks/nowhere', 404], ['/runs/x/1', 503]] as const) {
      const r = await fetch(api.a + path);
      expect(r.status).toBe(status);
      expect(r.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect([r.headers.get('x-content-type-options'), r.headers.get('x-frame-options'), r.headers.get('referrer-policy')]).toEqual(['nosniff', 'DENY', 'same-origin']);
      await r.body?.cancel();
    }
  });
});
