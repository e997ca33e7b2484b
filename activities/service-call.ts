/**
 * One HTTP call of a `service` job, as text: rendering its fields (secrets
 * and `callback.url` filled in), the lines it puts in the job's log, and the
 * outputs a response body gives. No I/O here; activities/service.ts sends it.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { OutputCollector } from '../contracts/cout.ts';
import { FAILURE_TYPES } from '../contracts/job-attempt.ts';
import { hasExpressions, interpolate, type ExprContexts } from '../flow/expressions/index.ts';
import { mapServiceTexts } from '../flow/job-texts.ts';
import type { ServiceSpec } from '../flow/model.ts';

/** What a request or response body may put in the log. */
const LOGGED_BODY_BYTES = 16 * 1024;
const LOGGED_BODY_LINES = 200;
const OUTPUT_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The rendered call: fields with secrets and `callback.url` filled in. */
export interface RenderedCall {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const badInput = (message: string): ApplicationFailure => ApplicationFailure.nonRetryable(message, FAILURE_TYPES.badInput);

/** Fills in the call's fields; a bad expression or URL fails the job without retrying. */
export function renderCall(spec: ServiceSpec, contexts: ExprContexts, jobPath: string): RenderedCall {
  let rendered: ServiceSpec;
  try {
    rendered = mapServiceTexts(spec, (s) => (hasExpressions(s) ? interpolate(s, contexts) : s));
  } catch (err) {
    throw badInput(`job ${jobPath}: service: ${(err as Error).message}`);
  }
  let url: URL;
  try {
    url = new URL(rendered.url);
  } catch {
    throw badInput(`job ${jobPath}: service url "${rendered.url}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(`job ${jobPath}: service url "${rendered.url}" is not http:// or https://`);
  return { url, method: spec.method, headers: { ...rendered.headers }, ...(rendered.body === undefined ? {} : { body: rendered.body }) };
}

/** The request as log lines (`> `). */
export function requestLines(call: RenderedCall): string[] {
  return [`> ${call.method} ${call.url.href}`, ...Object.entries(call.headers).map(([k, v]) => `> ${k}: ${v}`), ...bodyLines('> ', call.body ?? '')];
}

/** A body as log lines: at most LOGGED_BODY_LINES lines and LOGGED_BODY_BYTES characters. */
export function bodyLines(prefix: string, body: string): string[] {
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
export function retryableStatus(status: number): boolean {
  return !(status >= 400 && status < 500 && status !== 408 && status !== 429);
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
