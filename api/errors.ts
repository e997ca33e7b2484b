/**
 * API errors and the one place that maps errors to HTTP responses:
 * `{ "error": { "code", "message", "details" } }`.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details: unknown;
  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} not found`);

export const badRequest = (code: string, message: string, details?: unknown): ApiError => new ApiError(400, code, message, details);

/** Hono's onError: ApiError as is, FlowValidationError as 422, anything else as 500 (logged). */
export function errorResponse(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json({ error: { code: err.code, message: err.message, details: err.details ?? null } }, err.status);
  }
  if (err.name === 'FlowValidationError') {
    const issues = (err as Error & { issues?: unknown }).issues ?? [];
    return c.json({ error: { code: 'invalid_flow', message: err.message, details: { issues } } }, 422);
  }
  if (err instanceof HTTPException) {
    // Hono's own (body too large, malformed JSON…): keep the status, use our body.
    const status = err.status;
    return c.json({ error: { code: status === 413 ? 'body_too_large' : 'bad_request', message: err.message || 'bad request', details: null } }, status);
  }
  if (err.name === 'ComponentNotFoundError') {
    return c.json({ error: { code: 'component_not_found', message: err.message, details: null } }, 422);
  }
  console.error('coflow api: unexpected error', err);
  return c.json({ error: { code: 'internal', message: 'internal error', details: null } }, 500);
}
