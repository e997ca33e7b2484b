/**
 * The `service` job activity: one HTTP call to a third-party system per
 * attempt (SPEC §2), logged with secrets masked. Without a callback the
 * response decides the verdict and its body gives the outputs. With a
 * callback the activity registers a single-use token, hands the system the
 * callback URL and completes asynchronously: the API's
 * `POST /hooks/callback/{token}` completes it (api/routes/callbacks.ts), or
 * the activity's start-to-close timeout ends the wait.
 */
import { randomBytes } from 'node:crypto';
import { ApplicationFailure, CompleteAsyncError, Context } from '@temporalio/activity';
import { hasExpressions, interpolate, type ExprContexts } from '../flow/expressions.ts';
import type { ServiceSpec } from '../flow/model.ts';
import type { CallbackStore } from '../store/callbacks.ts';
import type { SecretResolver } from '../store/secrets.ts';
import type { LogStore } from '../store/types.ts';
import { OutputCollector } from './cout.ts';
import { resolveSecretValues, secretMasker } from './secrets.ts';
import { BAD_INPUT, type JobAttemptInput, type JobAttemptResult } from './types.ts';

export interface ServiceActivityDeps {
  readonly logs: LogStore;
  /** Resolves `${{ secrets.NAME }}` left in the service's fields by the workflow. */
  readonly secrets?: SecretResolver;
  /** Where callback tokens are registered; services that wait for a callback fail without it. */
  readonly callbacks?: Pick<CallbackStore, 'register' | 'remove'>;
  /** Base URL under which called systems reach the API (COFLOW_PUBLIC_URL, default the API's own address). */
  readonly publicUrl?: () => string | Promise<string>;
  /** Bound of a call whose job sets no `timeout` (ms); default 10 minutes. */
  readonly requestTimeoutMs?: number;
  /** How often a call in flight heartbeats (ms), so a cancel reaches it. */
  readonly heartbeatEveryMs?: number;
}

/** The header that carries the callback URL, besides `${{ callback.url }}`. */
export const CALLBACK_HEADER = 'X-Coflow-Callback';
/** The API path of callbacks; the token follows. */
export const CALLBACK_PATH = '/hooks/callback/';
const DEFAULT_REQUEST_TIMEOUT_MS = 600_000;
/** What a request or response body may put in the log. */
const LOGGED_BODY_BYTES = 16 * 1024;
const LOGGED_BODY_LINES = 200;
const OUTPUT_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The rendered call: fields with secrets and `callback.url` filled in. */
interface RenderedCall {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

function render(spec: ServiceSpec, contexts: ExprContexts, jobPath: string): RenderedCall {
  const text = (s: string): string => (hasExpressions(s) ? interpolate(s, contexts) : s);
  let url: URL;
  let rendered: { url: string; headers: Record<string, string>; body?: string };
  try {
    rendered = {
      url: text(spec.url),
      headers: Object.fromEntries(Object.entries(spec.headers).map(([k, v]) => [k, text(v)])),
      ...(spec.body === undefined ? {} : { body: text(spec.body) }),
    };
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`job ${jobPath}: service: ${(err as Error).message}`, BAD_INPUT);
  }
  try {
    url = new URL(rendered.url);
  } catch {
    throw ApplicationFailure.nonRetryable(`job ${jobPath}: service url "${rendered.url}" is not a valid URL`, BAD_INPUT);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw ApplicationFailure.nonRetryable(`job ${jobPath}: service url "${rendered.url}" is not http:// or https://`, BAD_INPUT);
  }
  return { url, method: spec.method, headers: rendered.headers, ...(rendered.body === undefined ? {} : { body: rendered.body }) };
}

/** A body as log lines: at most LOGGED_BODY_LINES lines and LOGGED_BODY_BYTES characters. */
function bodyLines(prefix: string, body: string): string[] {
  if (body === '') return [];
  const shown = body.length > LOGGED_BODY_BYTES ? body.slice(0, LOGGED_BODY_BYTES) : body;
  const lines = shown.split(/\r?\n/);
  const kept = lines.slice(0, LOGGED_BODY_LINES).map((l) => `${prefix}${l}`);
  if (lines.length > LOGGED_BODY_LINES || shown.length < body.length) kept.push(`${prefix}… (${body.length} characters in all, cut for the log)`);
  return kept;
}

/** Outputs of a response body: top-level JSON strings, numbers and booleans, or `[COUT] K = V` lines of a text body. */
export function responseOutputs(body: string): OutputCollector {
  const collector = new OutputCollector();
  let doc: unknown;
  try {
    doc = body.trimStart().startsWith('{') ? JSON.parse(body) : undefined;
  } catch {
    doc = undefined;
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
      if (!OUTPUT_KEY.test(key)) continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') collector.add(key, String(value));
    }
  } else {
    for (const line of body.split(/\r?\n/)) collector.addLine(line);
  }
  return collector;
}

/** 4xx other than 408 (timeout) and 429 (too many requests) will answer the same again. */
function retryableStatus(status: number): boolean {
  return !(status >= 400 && status < 500 && status !== 408 && status !== 429);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/** Builds the service activity with its dependencies. */
export function createServiceActivities(deps: ServiceActivityDeps) {
  const { logs, secrets, callbacks, publicUrl, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, heartbeatEveryMs = 1_000 } = deps;

  async function callService(input: JobAttemptInput): Promise<JobAttemptResult> {
    const { runId, attempt, job } = input;
    const spec = job.service;
    if (spec === undefined) throw ApplicationFailure.nonRetryable(`job ${job.path} is not a service job`, BAD_INPUT);
    const ctx = Context.current();
    const secretValues = resolveSecretValues(job, secrets);

    let token: string | undefined;
    let callbackUrl: string | undefined;
    if (spec.callback !== undefined) {
      if (callbacks === undefined || publicUrl === undefined) {
        throw ApplicationFailure.nonRetryable(`job ${job.path}: this worker cannot receive callbacks (no callback store or public URL configured)`, BAD_INPUT);
      }
      token = randomBytes(32).toString('base64url');
      callbackUrl = `${(await publicUrl()).replace(/\/+$/, '')}${CALLBACK_PATH}${token}`;
    }
    const call = render(spec, { secrets: secretValues, ...(callbackUrl === undefined ? {} : { callback: { url: callbackUrl } }) }, job.path);
    if (callbackUrl !== undefined) call.headers[CALLBACK_HEADER] = callbackUrl;
    // The token is a credential: whoever holds it completes the job. Logs show it masked, like secrets.
    const mask = secretMasker([...Object.values(secretValues), ...(token === undefined ? [] : [token])]);

    let seq = 0;
    const log = (texts: readonly string[]): void => {
      if (texts.length === 0) return;
      logs.appendLogs(runId, job.path, attempt, seq + 1, texts.map((t) => ({ ts: Date.now(), stream: 'stdout' as const, text: mask(t) })));
      seq += texts.length;
    };
    const base = { exitCode: null, timedOut: false, cancelled: false, warnings: [] as string[] };
    const fail = (reason: string, retryable: boolean, extra: Partial<JobAttemptResult> = {}): JobAttemptResult => {
      if (token !== undefined) callbacks?.remove(token);
      log([`service: ${reason}`]);
      return { ...base, succeeded: false, outputs: {}, reason, retryable, ...extra, logLines: seq };
    };

    log([
      `> ${call.method} ${call.url.href}`,
      ...Object.entries(call.headers).map(([k, v]) => `> ${k}: ${v}`),
      ...bodyLines('> ', call.body ?? ''),
    ]);
    if (token !== undefined && spec.callback !== undefined) {
      // Registered before the call: a system may call back before it answers.
      callbacks?.register(token, { taskToken: ctx.info.taskToken, runId, jobPath: job.path, attempt }, new Date(Date.now() + spec.callback.timeoutMs));
    }

    const timeoutMs = spec.callback?.timeoutMs ?? (job.timeoutMs > 0 ? job.timeoutMs : requestTimeoutMs);
    const timeout = AbortSignal.timeout(timeoutMs);
    const heartbeat = setInterval(() => ctx.heartbeat(), heartbeatEveryMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(call.url, {
        method: call.method,
        headers: call.headers,
        ...(call.body === undefined ? {} : { body: call.body }),
        signal: AbortSignal.any([timeout, ctx.cancellationSignal]),
      });
      text = await response.text();
    } catch (err) {
      if (ctx.cancellationSignal.aborted) return fail('cancelled', false, { cancelled: true });
      if (timeout.aborted) return fail(`no response within ${seconds(timeoutMs)}`, true, { timedOut: true });
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return fail(`request failed: ${(err as Error).message}${cause}`, true);
    } finally {
      clearInterval(heartbeat);
    }
    log([`< ${response.status} ${response.statusText}`, ...bodyLines('< ', text)]);
    if (!response.ok) return fail(`${call.method} ${mask(call.url.href)} answered ${response.status} ${response.statusText}`.trimEnd(), retryableStatus(response.status));

    if (spec.callback !== undefined) {
      log([`service: waiting for a callback (up to ${seconds(spec.callback.timeoutMs)})`]);
      // Completed by the API's callback endpoint with the task token, or ended by the start-to-close timeout.
      throw new CompleteAsyncError();
    }

    const collector = responseOutputs(text);
    const warnings = [...collector.warnings];
    for (const name of job.outputs) if (collector.outputs[name] === undefined) warnings.push(`declared output ${name} was not in the response`);
    const outputs = Object.fromEntries(Object.entries(collector.outputs).map(([k, v]) => [k, mask(v)]));
    if (collector.limitError !== undefined) return fail(collector.limitError, false, { warnings });
    if (collector.coResult() === 'false') return fail('the service reported CO_RESULT=false', true, { warnings, outputs });
    return { ...base, succeeded: true, outputs, warnings, retryable: true, logLines: seq };
  }

  return { callService };
}

export type ServiceActivities = ReturnType<typeof createServiceActivities>;
