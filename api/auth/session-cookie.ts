/**
 * The signed session cookie `coflow_session` of the web UI. The cookie is the
 * whole session: its id, the user, the SHA-256 of the token signed in with
 * (never the token), issue and expiry times, signed with HMAC-SHA256 under
 * the session key (hono's signed cookies). Any API server holding the same
 * key accepts it; only sign-outs are kept server-side (store/store.ts
 * `SessionStore`). The CSRF value of a session is derived from its id with
 * the same key, so it needs no storage either and is never in a readable cookie.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse, parseSigned, serialize, serializeSigned, type CookieOptions } from 'hono/utils/cookie';

export const SESSION_COOKIE = 'coflow_session';
export const MIN_SESSION_KEY_LENGTH = 32;
/** Browsers cap a cookie's Max-Age at 400 days (RFC 6265bis); so does hono. */
export const MAX_SESSION_TTL_MS = 400 * 86_400_000;

export interface Session {
  readonly id: string;
  readonly user: string;
  /** SHA-256 (hex) of the token the session was signed in with. */
  readonly digest: string;
  /** Epoch milliseconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** What a presented cookie turned out to be; `reason` is said to the user in the 401. */
export type CookieVerdict = { readonly ok: true; readonly session: Session } | { readonly ok: false; readonly reason: string };

export interface SessionCodec {
  readonly ttlMs: number;
  /** A new session (fresh random id) for `user`, signed in at `now` with the token of `digest`. */
  create(user: string, digest: string, now: number): Session;
  /** The `Set-Cookie` value that carries the session; `secure` when the request came over https. */
  setCookie(session: Session, secure: boolean): Promise<string>;
  /** The `Set-Cookie` value that removes the cookie. */
  clearCookie(secure: boolean): string;
  /** The session in a `Cookie` header; undefined when it carries no session cookie. */
  read(cookieHeader: string | undefined, now: number): Promise<CookieVerdict | undefined>;
  /** The CSRF value of a session id (or any other stable id). */
  csrfOf(id: string): string;
  /** True when `presented` is the CSRF value of `id` (compared in constant time). */
  isCsrfOf(id: string, presented: string): boolean;
}

/** What is wrong with a session key, or undefined when it is usable. */
export function sessionKeyProblem(key: string): string | undefined {
  return key.length < MIN_SESSION_KEY_LENGTH ? `must be at least ${MIN_SESSION_KEY_LENGTH} characters (it has ${key.length}); e.g. \`openssl rand -base64 48\`` : undefined;
}

/** What is wrong with a session lifetime, or undefined when it is usable. */
export function sessionTtlProblem(ttlMs: number): string | undefined {
  if (!Number.isFinite(ttlMs) || ttlMs < 60_000) return 'must be at least 1m';
  return ttlMs > MAX_SESSION_TTL_MS ? 'must be at most 400d (browsers keep a cookie no longer)' : undefined;
}

const isSession = (v: unknown): v is Session => {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.id === 'string' && typeof s.user === 'string' && typeof s.digest === 'string'
    && Number.isSafeInteger(s.issuedAt) && Number.isSafeInteger(s.expiresAt);
};

export function sessionCodec(key: string, ttlMs: number): SessionCodec {
  const keyProblem = sessionKeyProblem(key);
  if (keyProblem !== undefined) throw new RangeError(`the session key ${keyProblem}`);
  const ttlProblem = sessionTtlProblem(ttlMs);
  if (ttlProblem !== undefined) throw new RangeError(`the session lifetime ${ttlProblem}`);
  const attributes = (secure: boolean, maxAge: number): CookieOptions => ({ httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge });
  const csrfOf = (id: string): string => createHmac('sha256', key).update(`coflow csrf\0${id}`).digest('base64url');
  return {
    ttlMs,
    create: (user, digest, now) => ({ id: randomBytes(18).toString('base64url'), user, digest, issuedAt: now, expiresAt: now + ttlMs }),
    setCookie(session, secure) {
      const value = Buffer.from(JSON.stringify(session)).toString('base64url');
      return serializeSigned(SESSION_COOKIE, value, key, attributes(secure, Math.floor((session.expiresAt - session.issuedAt) / 1000)));
    },
    clearCookie: (secure) => serialize(SESSION_COOKIE, '', attributes(secure, 0)),
    async read(cookieHeader, now) {
      if (cookieHeader === undefined || parse(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE] === undefined) return undefined;
      const value = (await parseSigned(cookieHeader, key, SESSION_COOKIE))[SESSION_COOKIE];
      if (value === undefined || value === false) return { ok: false, reason: 'the session cookie is not valid (not signed by this platform\'s session key)' };
      let session: unknown;
      try {
        session = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
      } catch {
        session = undefined;
      }
      if (!isSession(session)) return { ok: false, reason: 'the session cookie is not valid (not a coflow session)' };
      if (session.expiresAt <= now) return { ok: false, reason: `the session expired at ${new Date(session.expiresAt).toISOString()}; sign in again` };
      return { ok: true, session };
    },
    csrfOf,
    isCsrfOf(id, presented) {
      const expected = Buffer.from(csrfOf(id));
      const given = Buffer.from(presented);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
