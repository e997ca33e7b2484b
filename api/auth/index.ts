/**
 * Bearer-token authentication and role checks for `/api/v1`.
 * 401 for a missing or unknown token, 403 for a role that may not act.
 * The token is never logged or echoed: errors name the user at most.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';
import type { ApiEnv } from '../context.ts';
import { hasRole, type PermissionRole, type TokenTable } from './tokens.ts';

export { hasRole, PERMISSION_ROLES, sha256Hex, tokenTable, parseTokensEnv, parseTokensFile } from './tokens.ts';
export type { PermissionRole, TokenEntry, TokenTable } from './tokens.ts';

/** The actor of every request when no token is configured (`coflow dev` on one machine). */
const ANONYMOUS_ADMIN = { user: 'anonymous', roles: ['admin'] } as const;

/** Sets `actor` from the `Authorization: Bearer …` header, or answers 401. */
export function authenticate(tokens: TokenTable): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!tokens.enabled) {
      c.set('actor', { user: ANONYMOUS_ADMIN.user, roles: [...ANONYMOUS_ADMIN.roles] });
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const unauthorized = (message: string): ApiError => new ApiError('unauthorized', message);
    if (!m) {
      c.header('WWW-Authenticate', 'Bearer realm="coflow"');
      throw unauthorized(header ? 'the Authorization header must be "Bearer <token>"' : 'a bearer token is required');
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
