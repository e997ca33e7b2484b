/**
 * One call to a forge's REST API, classified the way the reporting activity
 * needs it: an answer (2xx), a refusal for good (`ForgeRefusal`: 4xx other
 * than 408/429 and rate limits), or a retryable Temporal failure (the forge
 * unreachable, 5xx, 408, 429, a rate limit; `Retry-After` becomes the next
 * retry's delay). Every message passes through `mask`, so the token in a
 * header never reaches a log, an error or Temporal's history.
 */
import { ApplicationFailure } from '@temporalio/activity';

/** The failure type of a report the forge could not take now (retried with backoff). */
export const FORGE_UNAVAILABLE = 'ForgeUnavailable';

/** How coflow introduces itself to forges (GitHub refuses requests without a User-Agent). */
export const USER_AGENT = 'coflow';

/** A forge's answer longer than this is cut (it is shown as a run warning). */
export const ANSWER_LIMIT = 300;

/** The forge refused the request for good: its status and its own message. */
export class ForgeRefusal extends Error {
  override readonly name = 'ForgeRefusal';
  readonly status: number;
  readonly answer: string;
  constructor(status: number, answer: string) {
    super(`forge answered ${status}: ${answer}`);
    this.status = status;
    this.answer = answer;
  }
}

export interface ForgeRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface ForgeHttp {
  readonly timeoutMs: number;
  /** Replaces secrets (tokens, JWTs) in a text before it leaves the activity. */
  readonly mask: (text: string) => string;
}

/** Cuts `text` to `limit` characters, the last one an ellipsis. */
export function cut(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

/** The forge's own words from an error body: GitHub/Gitea `message` (+ `errors`), GitLab `message`/`error`, else the text. */
export function forgeMessage(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.trim();
  }
  if (parsed === null || typeof parsed !== 'object') return text.trim();
  const body = parsed as Record<string, unknown>;
  const main = body['message'] ?? body['error'];
  const parts = [typeof main === 'string' ? main : main === undefined ? '' : JSON.stringify(main)];
  if (body['errors'] !== undefined) parts.push(JSON.stringify(body['errors']));
  const said = parts.filter((p) => p !== '').join(' ');
  return said === '' ? text.trim() : said;
}

/** Seconds to wait before the next attempt: `Retry-After` (seconds or a date), else GitHub's `x-ratelimit-reset` when the limit is spent. */
function retryAfterSeconds(headers: Headers, nowMs: number): number | undefined {
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, Math.ceil((date - nowMs) / 1000));
  }
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, Math.ceil(reset - nowMs / 1000));
  }
  return undefined;
}

/** GitHub answers a spent (primary or secondary) rate limit with 403 or 429: worth waiting for. */
function rateLimited(status: number, headers: Headers, message: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return headers.get('x-ratelimit-remaining') === '0' || headers.get('retry-after') !== null || /rate limit/i.test(message);
}

function unavailable(message: string, delaySeconds?: number): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FORGE_UNAVAILABLE, nonRetryable: false, ...(delaySeconds === undefined ? {} : { nextRetryDelay: `${delaySeconds}s` }) });
}

/** What a request is called in messages: method and URL without its query. */
function describe(request: ForgeRequest): string {
  return `${request.method} ${request.url.split('?')[0]}`;
}

/**
 * Sends one request and returns the parsed JSON answer of a 2xx (undefined
 * for an empty body). Throws `ForgeRefusal` or a retryable ApplicationFailure.
 */
export async function forgeCall(http: ForgeHttp, request: ForgeRequest): Promise<unknown> {
  let response: Response;
  let text: string;
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      // A redirect would carry the token elsewhere: reported, not followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(http.timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw unavailable(http.mask(`${describe(request)} failed: ${(err as Error).message}${cause}`));
  }
  if (response.ok) {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw unavailable(http.mask(`${describe(request)} answered ${response.status} with a body that is not JSON: ${cut(text, 120)}`));
    }
  }
  const said = http.mask(cut(forgeMessage(text), ANSWER_LIMIT));
  const status = response.status;
  if (status >= 500 || status === 408 || rateLimited(status, response.headers, said)) {
    const delay = retryAfterSeconds(response.headers, Date.now());
    throw unavailable(http.mask(`${describe(request)} answered ${status}${said === '' ? '' : `: ${said}`}`), delay);
  }
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location');
    throw new ForgeRefusal(status, http.mask(`${describe(request)} redirected${location === null ? '' : ` to ${location.split('?')[0]}`}: give the API's final base URL`));
  }
  throw new ForgeRefusal(status, said === '' ? `${describe(request)}: ${response.statusText}` : said);
}
