/**
 * The codec endpoint over HTTP through `app.request()`, as Temporal's UI and
 * CLI call it: CORS answered before authentication, bearer tokens and roles,
 * the web session from an allowed origin without X-Coflow-CSRF, 415 and the
 * namespace check. The codec is the real AES-GCM one; the store a real SQLite
 * file; Temporal a lazy connection to a port where nothing listens (the codec
 * never needs it, so a request that reached it would fail loudly).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../components/catalog.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { AesGcmCodec, parseCodecKeys } from '../worker/codec.ts';
import { createApi } from './app.ts';
import type { ApiApp } from './context.ts';

const SELF = 'http://coflow.test:8080';
const UI = 'http://coflow.test:8233';
const EVIL = 'http://evil.test:8233';
const TOKENS = { viewer: 'viewer-token-for-codec-tests', operator: 'operator-token-for-codec-tests' } as const;
const PREFLIGHT_HEADERS = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' };

let dir: string;
let store: Store;
let connection: Connection;
let app: ApiApp;
const codec = new AesGcmCodec(parseCodecKeys(`unit:${randomBytes(32).toString('base64')}`));
/** The session cookie of the viewer, signed in through POST /api/v1/session. */
let cookie: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coflow-codec-unit-'));
  store = await openStore({ kind: 'sqlite', file: join(dir, 'coflow.db') });
  connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
  app = createApi({
    store, temporal: new Client({ connection }), taskQueue: 'unit', namespace: 'coflow-ns',
    catalog: loadCatalog(join(import.meta.dirname, '../components')),
    tokens: Object.entries(TOKENS).map(([role, token]) => ({ user: `${role}-user`, roles: [role], token })),
    payloadCodec: codec, codecCorsOrigins: [UI], log: () => {},
  });
  const res = await app.request(`${SELF}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: SELF }, body: JSON.stringify({ token: TOKENS.viewer }) });
  expect(res.status).toBe(200);
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
});

afterAll(async () => {
  await connection.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const PLAIN = { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('{"greeting":"hello"}') }] };

function post(op: 'decode' | 'encode', headers: Record<string, string>, body: unknown = PLAIN): Promise<Response> {
  return Promise.resolve(app.request(`${SELF}/api/v1/codec/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

const errorOf = async (res: Response): Promise<{ code: string; message: string }> => ((await res.json()) as { error: { code: string; message: string } }).error;
const corsHeaders = (res: Response): string[] => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));

describe('CORS of the codec endpoint', () => {
  it('grants a preflight from an allowed origin by name, before authentication', async () => {
    for (const op of ['decode', 'encode']) {
      const res = await app.request(`${SELF}/api/v1/codec/${op}`, { method: 'OPTIONS', headers: { origin: UI, ...PREFLIGHT_HEADERS } });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(UI);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toBe('POST');
      expect(res.headers.get('access-control-allow-headers')!.split(',').map((h) => h.trim()).sort()).toEqual(['authorization', 'content-type', 'x-namespace']);
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    }
  });

  it('refuses a preflight from another origin or none with 403 naming it, and no CORS header', async () => {
    const res = await app.request(`${SELF}/api/v1/codec/decode`, { method: 'OPTIONS', headers: { origin: EVIL, ...PREFLIGHT_HEADERS } });
    expect(res.status).toBe(403);
    expect(corsHeaders(res)).toEqual([]);
    expect((await errorOf(res)).message).toBe(`origin ${EVIL} may not call the codec endpoint from a browser (COFLOW_CODEC_CORS_ORIGINS; allowed: ${UI})`);
    const none = await app.request(`${SELF}/api/v1/codec/decode`, { method: 'OPTIONS', headers: PREFLIGHT_HEADERS });
    expect(none.status).toBe(403);
    expect((await errorOf(none)).message).toMatch(/^a preflight without an Origin header may not call the codec endpoint/);
  });

  it('puts the CORS headers on refusals to an allowed origin (401, 403, 415), none for another origin', async () => {
    const unauthenticated = await post('decode', { origin: UI });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe(UI);
    expect(unauthenticated.headers.get('access-control-allow-credentials')).toBe('true');
    expect(unauthenticated.headers.get('vary')).toMatch(/\bOrigin\b/);
    const forbidden = await post('encode', { origin: UI, authorization: `Bearer ${TOKENS.viewer}` });
    expect([forbidden.status, forbidden.headers.get('access-control-allow-origin')]).toEqual([403, UI]);
    const plainText = await app.request(`${SELF}/api/v1/codec/decode`, { method: 'POST', headers: { origin: UI, 'content-type': 'text/plain' }, body: '{}' });
    expect([plainText.status, plainText.headers.get('access-control-allow-origin')]).toEqual([415, UI]);
    const foreign = await post('decode', { origin: EVIL, authorization: `Bearer ${TOKENS.viewer}` });
    expect(foreign.status).toBe(200);
    expect(corsHeaders(foreign)).toEqual([]);
  });
});

describe('who may call the codec endpoint', () => {
  it('round-trips with bearer tokens: encode as operator, decode as viewer', async () => {
    const encoded = await post('encode', { authorization: `Bearer ${TOKENS.operator}` });
    expect(encoded.status).toBe(200);
    const cipher = (await encoded.json()) as typeof PLAIN;
    expect(Buffer.from(cipher.payloads[0]!.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(cipher.payloads[0]!.data, 'base64').toString()).not.toContain('hello');
    const decoded = await post('decode', { authorization: `Bearer ${TOKENS.viewer}`, 'x-namespace': 'coflow-ns' }, cipher);
    expect([decoded.status, await decoded.json()]).toEqual([200, PLAIN]);
  });

  it('refuses encode to a viewer, and calls without a valid token or session', async () => {
    const viewer = await post('encode', { authorization: `Bearer ${TOKENS.viewer}` });
    expect([viewer.status, (await errorOf(viewer)).message]).toEqual([403, 'viewer-user may not do this: it needs the operator role']);
    const wrong = await post('decode', { authorization: 'Bearer not-a-token' });
    expect([wrong.status, (await errorOf(wrong)).message]).toEqual([401, 'the bearer token is not valid']);
  });

  it('lets the web session decode from this server or an allowed origin without X-Coflow-CSRF', async () => {
    for (const origin of [UI, SELF]) expect((await post('decode', { cookie, origin })).status).toBe(200);
    expect((await post('decode', { cookie, referer: `${UI}/namespaces/coflow-ns/workflows` })).status).toBe(200);
  });

  it('refuses the web session from another origin or with no origin named (403 csrf)', async () => {
    const foreign = await post('decode', { cookie, origin: EVIL });
    expect(foreign.status).toBe(403);
    expect(await errorOf(foreign)).toMatchObject({ code: 'csrf', message: `the codec call comes from ${EVIL} (its Origin header), neither this server (${SELF}) nor an origin of COFLOW_CODEC_CORS_ORIGINS (${UI})` });
    const unnamed = await post('decode', { cookie });
    expect([unnamed.status, (await errorOf(unnamed)).code]).toEqual([403, 'csrf']);
  });

  it('refuses a body not declared JSON with 415, and a malformed payload list with 400', async () => {
    const text = await app.request(`${SELF}/api/v1/codec/decode`, { method: 'POST', headers: { cookie, origin: UI, 'content-type': 'text/plain' }, body: JSON.stringify(PLAIN) });
    expect([text.status, (await errorOf(text)).message]).toEqual([415, 'the codec endpoint takes Content-Type: application/json, not text/plain']);
    const bad = await post('decode', { authorization: `Bearer ${TOKENS.viewer}` }, { payloads: [{ data: 42 }] });
    expect([bad.status, (await errorOf(bad)).code]).toEqual([400, 'invalid_request']);
  });

  it('refuses a namespace this API does not serve, naming both', async () => {
    const res = await post('decode', { authorization: `Bearer ${TOKENS.viewer}`, 'x-namespace': 'other-ns' });
    expect([res.status, (await errorOf(res)).message]).toEqual([403, 'this codec endpoint serves the Temporal namespace "coflow-ns", not "other-ns" (X-Namespace)']);
  });
});

describe('an API without codec keys', () => {
  it('serves no codec endpoint and says that the allowed origins have nothing to call', async () => {
    const notices: string[] = [];
    const plain = createApi({
      store, temporal: new Client({ connection }), taskQueue: 'unit', catalog: loadCatalog(join(import.meta.dirname, '../components')),
      tokens: [{ user: 'viewer-user', roles: ['viewer'], token: TOKENS.viewer }], codecCorsOrigins: [UI], log: (line) => notices.push(line),
    });
    expect(notices.filter((n) => n.includes('CODEC'))).toEqual(['coflow api: COFLOW_CODEC_CORS_ORIGINS is set but COFLOW_CODEC_KEYS is not: there is no codec endpoint to call']);
    const preflight = await plain.request(`${SELF}/api/v1/codec/decode`, { method: 'OPTIONS', headers: { origin: UI, ...PREFLIGHT_HEADERS } });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([401, null]);
    const res = await plain.request(`${SELF}/api/v1/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.viewer}` }, body: JSON.stringify(PLAIN) });
    expect(res.status).toBe(404);
  });
});
