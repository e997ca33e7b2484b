/**
 * Web sessions: signing in with a token, resuming a session from its cookie
 * on each request, signing out. A session is only as good as its token: the
 * actor is looked up again by the token's digest on every request, so a token
 * removed from the configuration (or given to another user) ends its
 * sessions. Sign-outs are recorded in the shared store, so every API server
 * refuses the cookie afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../../contracts/signals.ts';
import type { SessionStore } from '../../store/store.ts';
import { sessionCodec, type Session, type SessionCodec } from './session-cookie.ts';
import { sha256Hex, type TokenTable } from './tokens.ts';

/** COFLOW_SESSION_TTL's default. */
export const DEFAULT_SESSION_TTL_MS = 8 * 3_600_000;

export interface SessionOptions {
  /** COFLOW_SESSION_KEY: shared by every API server; absent: a random key of this process. */
  readonly key?: string;
  /** COFLOW_SESSION_TTL in ms; default 8 h. */
  readonly ttlMs?: number;
  /** Where the one-line notice about a missing key goes. */
  readonly log?: (line: string) => void;
}

/** A request's signed-in session and who it acts as. */
export interface SignedIn {
  readonly session: Session;
  readonly actor: Actor;
}

export interface Sessions {
  /** False when no token is configured: everyone is the anonymous admin, and there is nothing to sign in to. */
  readonly authEnabled: boolean;
  readonly codec: SessionCodec;
  /** A new session for the holder of `token`; undefined for a token that is not configured. */
  signIn(token: string): SignedIn | undefined;
  /** The session of a `Cookie` header: signed in, refused (`reason`), or undefined when there is no session cookie. */
  resume(cookieHeader: string | undefined): Promise<SignedIn | { readonly reason: string } | undefined>;
  /** Records the sign-out in the shared store. */
  signOut(session: Session): Promise<void>;
  /** Signs out every session of `user` signed in until now (this millisecond included), on every server; returns that moment. */
  signOutUser(user: string): Promise<Date>;
}

export function createSessions(tokens: TokenTable, store: SessionStore, options: SessionOptions = {}): Sessions {
  let key = options.key;
  if (key === undefined) {
    key = randomBytes(32).toString('base64url');
    if (tokens.enabled) {
      (options.log ?? ((line) => void process.stderr.write(`${line}\n`)))(
        'coflow api: COFLOW_SESSION_KEY is not set: web sessions are signed with a random key of this process, so they end when it restarts and other API servers refuse them',
      );
    }
  }
  const codec = sessionCodec(key, options.ttlMs ?? DEFAULT_SESSION_TTL_MS);
  return {
    authEnabled: tokens.enabled,
    codec,
    signIn(token) {
      const digest = sha256Hex(token);
      const actor = tokens.lookupDigest(digest);
      return actor && { session: codec.create(actor.user, digest, Date.now()), actor };
    },
    async resume(cookieHeader) {
      const verdict = await codec.read(cookieHeader, Date.now());
      if (verdict === undefined) return undefined;
      if (!verdict.ok) return { reason: verdict.reason };
      const { session } = verdict;
      const actor = tokens.lookupDigest(session.digest);
      if (actor === undefined) return { reason: 'the token this session was signed in with is no longer configured; sign in again' };
      if (actor.user !== session.user) return { reason: `the token this session was signed in with now belongs to ${actor.user}; sign in again` };
      const [revoked, userRevokedBefore] = await Promise.all([store.isSessionRevoked(session.id), store.userSessionsRevokedBefore(session.user)]);
      if (revoked) return { reason: 'this session was signed out; sign in again' };
      if (userRevokedBefore !== undefined && session.issuedAt <= userRevokedBefore.getTime()) {
        return { reason: `an admin signed out every session of ${session.user} at ${userRevokedBefore.toISOString()}; sign in again` };
      }
      return { session, actor };
    },
    signOut: (session) => store.revokeSession(session.id, new Date(session.expiresAt)),
    async signOutUser(user) {
      const now = Date.now();
      await store.revokeUserSessions(user, new Date(now), new Date(now + codec.ttlMs));
      return new Date(now);
    },
  };
}
