/**
 * The one way the UI talks to the API: same origin, the session cookie
 * (never a token in storage), the CSRF header on state-changing calls, and
 * the API's error body turned into an {@link ApiError} the page can show.
 */
import { csrfToken } from './session.ts';

/** An error the API answered (`{ error: { code, message, details } }`), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON, or as text when a string with `contentType`. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

/** Query string of the defined values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error) return new ApiError(res.status, body.error.code ?? 'error', body.error.message ?? res.statusText, body.error.details);
  } catch {
    // not the API's JSON error body
  }
  return new ApiError(res.status, 'http_' + res.status, text.trim().slice(0, 300) || `${res.status} ${res.statusText}`);
}

/** Calls `/api/v1…` and returns the parsed JSON (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = typeof options.body === 'string' && options.contentType ? options.body : JSON.stringify(options.body);
  }
  const csrf = csrfToken();
  if (method !== 'GET' && csrf) headers['x-coflow-csrf'] = csrf;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }), credentials: 'same-origin', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'unreachable', `the coflow API cannot be reached: ${(err as Error).message}`);
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The path segments of a run id `ns/repo/name#number` under `/runs/`. */
export function runPath(runId: string): string {
  const hash = runId.lastIndexOf('#');
  return `/runs/${runId.slice(0, hash)}/${runId.slice(hash + 1)}`;
}
