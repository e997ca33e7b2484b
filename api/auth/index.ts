/**
 * Authentication and role checks for `/api/v1`: a bearer token, or the web
 * UI's session cookie (api/auth/sessions.ts; such a request must also pass
 * the CSRF rules of api/auth/csrf.ts). 401 for a missing or unknown token or
 * session, 403 for a role that may not act or a possibly forged request.
 * The token is never logged or echoed: errors name the user at most.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';
import type { ApiEnv } from '../context.ts';
import { cameOverHttps, CSRF_HEADER, csrfProblem, ownOrigins, type CsrfRequest } from './csrf.ts';
import type { Sessions } from './sessions.ts';
import { hasRole, type PermissionRole, type TokenTable } from './tokens.ts';

export { hasRole, PERMISSION_ROLES, sha256Hex, tokenTable, parseTokensEnv, parseTokensFile } from './tokens.ts';
export type { PermissionRole, TokenEntry, TokenTable } from './tokens.ts';

/** The actor of every request when no token is configured (`coflow dev` on one machine). */
export const ANONYMOUS_ADMIN = { user: 'anonymous', roles: ['admin'] } as const;

/** How the request reached this server, and where it says it came from: what the CSRF rules judge. */
export function arrival(c: Context, publicUrl: string | undefined): { secure: boolean; ownOrigins: string[] } {
  const headers = { host: c.req.header('host'), forwardedProto: c.req.header('x-forwarded-proto'), forwardedHost: c.req.header('x-forwarded-host') };
  return { secure: cameOverHttps(c.req.url, headers), ownOrigins: ownOrigins(c.req.url, headers, publicUrl) };
}

/**
 * Why a request signed in by the session cookie is refused as possibly forged
 * (answered 403 `csrf`), or undefined; `matches` checks an `X-Coflow-CSRF` value.
 * The default is {@link csrfProblem}; the codec endpoint uses its own rule.
 */
export type SessionRequestRule = (request: CsrfRequest, matches: (presented: string) => boolean) => string | undefined;

/** Sets `actor` (and `session`) from the session cookie, or answers 401 (bad session) / 403 (CSRF); no cookie: 401. */
async function fromSession(c: Context<ApiEnv>, sessions: Sessions, publicUrl: string | undefined, rule: SessionRequestRule): Promise<void> {
  const resumed = await sessions.resume(c.req.header('cookie'));
  if (resumed === undefined) {
    c.header('WWW-Authenticate', 'Bearer realm="coflow"');
    throw new ApiError('unauthorized', 'a bearer token or a session (POST /api/v1/session) is required');
  }
  const { secure, ownOrigins } = arrival(c, publicUrl);
  if ('reason' in resumed) {
    c.header('Set-Cookie', sessions.codec.clearCookie(secure));
    throw new ApiError('unauthorized', resumed.reason);
  }
  const request = { method: c.req.method, csrf: c.req.header(CSRF_HEADER), origin: c.req.header('origin'), referer: c.req.header('referer'), ownOrigins };
  const problem = rule(request, (presented) => sessions.codec.isCsrfOf(resumed.session.id, presented));
  if (problem !== undefined) throw new ApiError('csrf', problem);
  c.set('actor', resumed.actor);
  c.set('session', resumed.session);
}

/** Sets `actor` from the `Authorization: Bearer …` header or the session cookie (judged by `sessionRule`), or answers 401. */
export function authenticate(tokens: TokenTable, sessions: Sessions, publicUrl?: string, sessionRule: SessionRequestRule = csrfProblem): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!tokens.enabled) {
      c.set('actor', { user: ANONYMOUS_ADMIN.user, roles: [...ANONYMOUS_ADMIN.roles] });
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    if (header === '') {
      await fromSession(c, sessions, publicUrl, sessionRule);
      return next();
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const unauthorized = (message: string): ApiError => new ApiError('unauthorized', message);
    if (!m) {
      c.header('WWW-Authenticate', 'Bearer realm="coflow"');
      throw unauthorized('the Authorization header must be "Bearer <token>"');
    }
    const actor = tokens.lookup(m[1]!);
    if (!actor) {
      c.header('WWW-Authenticate', 'Bearer realm="coflow", error="invalid_token"');
      throw unauthorized('the bearer token is not valid');
    }
    c.set('actor', actor);
    return next();
  };
}

/** Lets the request through only when its actor holds `role` (or a stronger one). */
export function requireRole(role: PermissionRole): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!hasRole(actor, role)) {
      throw new ApiError('forbidden', `${actor.user} may not do this: it needs the ${role} role`, { required: role, roles: actor.roles });
    }
    return next();
  };
}
