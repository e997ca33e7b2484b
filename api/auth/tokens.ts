/**
 * Bearer tokens and their users and roles. Tokens are kept only as SHA-256
 * digests: a request's token is hashed and looked up, so no comparison ever
 * runs over the secret itself and no token is held in clear after start-up.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../../contracts/signals.ts';
import { TokenConfigError } from '../errors.ts';

/** The built-in permission roles, weakest first; a token may also carry custom roles (e.g. `release`). */
export const PERMISSION_ROLES = ['viewer', 'operator', 'admin'] as const;
export type PermissionRole = (typeof PERMISSION_ROLES)[number];

/** One configured token: the clear token or its SHA-256 (hex), the user it stands for, its roles. */
export interface TokenEntry {
  readonly user: string;
  readonly roles: readonly string[];
  readonly token?: string;
  readonly sha256?: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Who holds which token; `lookup` returns the actor for a presented token. */
export interface TokenTable {
  /** False when no token is configured: the API then runs without authentication. */
  readonly enabled: boolean;
  lookup(token: string): Actor | undefined;
  /** The actor of the token with this SHA-256 (hex), if it is still configured (sessions keep only the digest). */
  lookupDigest(digest: string): Actor | undefined;
  /** True when some configured token stands for `user`. */
  hasUser(user: string): boolean;
}

/** Builds the table; rejects entries without a user, a permission role or a token. */
export function tokenTable(entries: readonly TokenEntry[]): TokenTable {
  const byDigest = new Map<string, Actor>();
  entries.forEach((e, i) => {
    const where = `token #${i + 1}${e.user ? ` (user ${e.user})` : ''}`;
    if (!e.user) throw new TokenConfigError(`${where}: needs a "user"`);
    if (!e.roles.some((r) => (PERMISSION_ROLES as readonly string[]).includes(r))) {
      throw new TokenConfigError(`${where}: needs one of the roles ${PERMISSION_ROLES.join(', ')}`);
    }
    const digest = e.sha256?.toLowerCase() ?? (e.token ? sha256Hex(e.token) : undefined);
    if (digest === undefined || !/^[0-9a-f]{64}$/.test(digest)) throw new TokenConfigError(`${where}: needs a "token" or a "sha256" (64 hex digits)`);
    if (e.token !== undefined && e.token.length < 16) throw new TokenConfigError(`${where}: a token must be at least 16 characters`);
    if (byDigest.has(digest)) throw new TokenConfigError(`${where}: the same token is configured twice`);
    byDigest.set(digest, { user: e.user, roles: [...e.roles] });
  });
  const copy = (actor: Actor | undefined): Actor | undefined => actor && { user: actor.user, roles: [...actor.roles] };
  return {
    enabled: byDigest.size > 0,
    lookup: (token) => copy(byDigest.get(sha256Hex(token))),
    lookupDigest: (digest) => copy(byDigest.get(digest)),
    hasUser: (user) => [...byDigest.values()].some((a) => a.user === user),
  };
}

/** True when the actor holds `role` or a stronger permission role. */
export function hasRole(actor: Actor, role: PermissionRole): boolean {
  const need = PERMISSION_ROLES.indexOf(role);
  return actor.roles.some((r) => {
    const have = PERMISSION_ROLES.indexOf(r as PermissionRole);
    return have >= need;
  });
}

/**
 * `COFLOW_TOKENS`: comma-separated `user:role[+role…]:token` entries
 * (a token may contain `:` but not `,`).
 */
export function parseTokensEnv(text: string): TokenEntry[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item, i) => {
      const first = item.indexOf(':');
      const second = first < 0 ? -1 : item.indexOf(':', first + 1);
      if (first < 0 || second < 0) throw new TokenConfigError(`COFLOW_TOKENS entry #${i + 1}: expected user:role[+role]:token`);
      return { user: item.slice(0, first), roles: item.slice(first + 1, second).split('+').filter(Boolean), token: item.slice(second + 1) };
    });
}

/** The tokens file: `{ "tokens": [ { "user", "roles", "token" | "sha256" } ] }` (or the bare list). */
export function parseTokensFile(text: string, file: string): TokenEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TokenConfigError(`${file}: not JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(list)) throw new TokenConfigError(`${file}: expected { "tokens": [ … ] }`);
  return list.map((raw: unknown, i): TokenEntry => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const roles = e.roles ?? (e.role === undefined ? [] : [e.role]);
    if (typeof e.user !== 'string' || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) {
      throw new TokenConfigError(`${file}: token #${i + 1} needs "user" (string) and "roles" (list of strings)`);
    }
    return {
      user: e.user,
      roles,
      ...(typeof e.token === 'string' ? { token: e.token } : {}),
      ...(typeof e.sha256 === 'string' ? { sha256: e.sha256 } : {}),
    };
  });
}
