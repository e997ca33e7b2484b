/**
 * CORS for the codec endpoint (`/api/v1/codec/*`, api/codec.ts), answered
 * before authentication: a browser's preflight carries no credentials, and the
 * Temporal UI must be able to read even a refusal. Only the origins the
 * operator lists (COFLOW_CODEC_CORS_ORIGINS) are granted, each by name, never
 * `*`, since the answer allows credentials (the web UI's session cookie).
 * Headers come from hono's cors middleware; what it would do for another
 * origin (answer the preflight 204, allow credentials) is refused here first.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { ApiError } from './errors.ts';

/** What the Temporal UI sends: `Authorization` only when it passes a token, `X-Namespace` always. */
export const CODEC_ALLOW_HEADERS = ['authorization', 'content-type', 'x-namespace'] as const;
/** How long a browser may reuse a granted preflight (seconds). */
export const CODEC_PREFLIGHT_MAX_AGE = 600;

/**
 * Preflight (`OPTIONS`) from an allowed origin: 204 with that origin, credentials,
 * `POST` and {@link CODEC_ALLOW_HEADERS}; from any other origin or none: 403.
 * Every other answer to an allowed origin (errors included) carries
 * `Access-Control-Allow-Origin`/`-Credentials` and `Vary: Origin`; to any other
 * origin, no CORS header.
 */
export function codecCors(allowedOrigins: readonly string[]): MiddlewareHandler {
  const origins = [...allowedOrigins];
  const grant = cors({ origin: origins, allowMethods: ['POST'], allowHeaders: [...CODEC_ALLOW_HEADERS], maxAge: CODEC_PREFLIGHT_MAX_AGE, credentials: true });
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && origins.includes(origin)) return grant(c, next);
    if (c.req.method === 'OPTIONS') {
      const allowed = origins.length === 0 ? 'no origin is allowed' : `allowed: ${origins.join(', ')}`;
      const from = origin === undefined ? 'a preflight without an Origin header' : `origin ${origin}`;
      throw new ApiError('forbidden', `${from} may not call the codec endpoint from a browser (COFLOW_CODEC_CORS_ORIGINS; ${allowed})`, { origin: origin ?? null });
    }
    return next();
  };
}
