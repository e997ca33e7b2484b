import { describe, expect, it } from 'vitest';
import { MAX_SESSION_TTL_MS, SESSION_COOKIE, sessionCodec, type Session } from './session-cookie.ts';

const KEY = 'k'.repeat(32) + '-shared-by-every-api-server';
const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-01T10:00:00Z');
const DIGEST = 'a'.repeat(64);

/** The `Cookie` header a browser sends back for a `Set-Cookie` value. */
const cookieOf = (setCookie: string): string => setCookie.split(';')[0]!;

async function issued(key = KEY, ttl = 8 * HOUR): Promise<{ session: Session; cookie: string; setCookie: string }> {
  const codec = sessionCodec(key, ttl);
  const session = codec.create('alice', DIGEST, NOW);
  const setCookie = await codec.setCookie(session, false);
  return { session, cookie: cookieOf(setCookie), setCookie };
}

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict, on /, lives the session lifetime, is Secure only over https, and holds no token', async () => {
    const { setCookie, session } = await issued();
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[^;]+; Max-Age=28800; Path=/; HttpOnly; SameSite=Strict$`));
    expect(session).toMatchObject({ user: 'alice', digest: DIGEST, issuedAt: NOW, expiresAt: NOW + 8 * HOUR });
    const codec = sessionCodec(KEY, 8 * HOUR);
    expect(await codec.setCookie(session, true)).toMatch(/; Secure/);
    expect(codec.clearCookie(false)).toBe(`${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`);
  });

  it('reads back on any server with the same key, and gives every sign-in its own id', async () => {
    const { session, cookie } = await issued();
    const other = sessionCodec(KEY, HOUR);
    expect(await other.read(`theme=dark; ${cookie}`, NOW + HOUR)).toEqual({ ok: true, session });
    expect((await issued()).session.id).not.toBe(session.id);
  });

  it('refuses a cookie signed with another key, a tampered one, and an expired one, saying which', async () => {
    const { cookie } = await issued();
    const wrongKey = await sessionCodec('x'.repeat(40), HOUR).read(cookie, NOW);
    expect(wrongKey).toEqual({ ok: false, reason: 'the session cookie is not valid (not signed by this platform\'s session key)' });

    const [name, value] = cookie.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const [payload, signature] = decoded.split('.') as [string, string];
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('alice', 'admin')).toString('base64url');
    const codec = sessionCodec(KEY, HOUR);
    expect(await codec.read(`${name}=${encodeURIComponent(`${forged}.${signature}`)}`, NOW)).toMatchObject({ ok: false });
    expect(await codec.read(`${name}=garbage`, NOW)).toMatchObject({ ok: false });

    expect(await codec.read(cookie, NOW + 8 * HOUR)).toEqual({ ok: false, reason: 'the session expired at 2026-03-01T18:00:00.000Z; sign in again' });
    expect(await codec.read(cookie, NOW + 8 * HOUR - 1)).toMatchObject({ ok: true });
  });

  it('is not there when the Cookie header has no session cookie', async () => {
    const codec = sessionCodec(KEY, HOUR);
    expect(await codec.read(undefined, NOW)).toBeUndefined();
    expect(await codec.read('theme=dark', NOW)).toBeUndefined();
  });

  it('derives a csrf value per session with the key: the same on every server, another for another session or key', () => {
    const a = sessionCodec(KEY, HOUR);
    const b = sessionCodec(KEY, 2 * HOUR);
    expect(a.csrfOf('s1')).toBe(b.csrfOf('s1'));
    expect(a.isCsrfOf('s1', b.csrfOf('s1'))).toBe(true);
    expect(a.isCsrfOf('s1', a.csrfOf('s2'))).toBe(false);
    expect(a.isCsrfOf('s1', sessionCodec('y'.repeat(32), HOUR).csrfOf('s1'))).toBe(false);
    expect(a.isCsrfOf('s1', '')).toBe(false);
  });

  it('refuses a short key and a lifetime browsers would not keep, naming the problem', () => {
    expect(() => sessionCodec('short', HOUR)).toThrow('the session key must be at least 32 characters (it has 5)');
    expect(() => sessionCodec(KEY, 1_000)).toThrow('the session lifetime must be at least 1m');
    expect(() => sessionCodec(KEY, MAX_SESSION_TTL_MS + 1)).toThrow('the session lifetime must be at most 400d');
  });
});
