/**
 * The `service` job activity: one HTTP call to a third-party system per
 * attempt (SPEC §2), logged with secrets masked. Without a callback the
 * response decides the verdict and its body gives the outputs. With a
 * callback the activity registers a single-use token, hands the system the
 * callback URL and waits, heartbeating: the API's `POST /hooks/callback/{token}`
 * completes it with the token's task token (api/routes/callbacks.ts), or the
 * activity's schedule-to-close timeout ends the wait. The heartbeats carry the
 * token's hash, so when the worker is lost, Temporal retries the activity on
 * another worker within the heartbeat timeout, and the retry takes the wait
 * over (the token now points at it) instead of calling the system again.
 */
import { randomBytes } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { maskRequests } from '../contracts/cout.ts';
import { FAILURE_TYPES, type JobAttemptInput, type JobAttemptResult } from '../contracts/job-attempt.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import type { JobSpec, ServiceSpec } from '../flow/model.ts';
import type { CallbackStore, LogStore } from '../store/store.ts';
import { tokenHash } from '../store/token-hash.ts';
import { SecretMasker } from '../flow/secret-masking.ts';
import { attemptSecrets, resolveSecretValues } from './secrets.ts';
import { bodyLines, renderCall, requestLines, responseOutputs, retryableStatus, seconds, type RenderedCall } from './service-call.ts';

export interface ServiceActivityDeps {
  readonly logs: LogStore;
  /** Resolves `${{ secrets.NAME }}` left in the service's fields by the workflow. */
  readonly secrets?: SecretResolver;
  /** Where callback tokens are registered; services that wait for a callback fail without it. */
  readonly callbacks?: Pick<CallbackStore, 'registerCallback' | 'removeCallback' | 'retargetCallback'>;
  /** Base URL under which called systems reach the API (COFLOW_PUBLIC_URL, default the API's own address). */
  readonly publicUrl?: () => string | Promise<string>;
  /** Bound of a call whose job sets no `timeout` (ms); default 10 minutes. */
  readonly requestTimeoutMs?: number;
  /** How often a call in flight heartbeats (ms), so a cancel reaches it. */
  readonly heartbeatEveryMs?: number;
}

/** The header that carries the callback URL, besides `${{ callback.url }}`. */
const CALLBACK_HEADER = 'X-Coflow-Callback';
/** The API path of callbacks; the token follows. */
const CALLBACK_PATH = '/hooks/callback/';
const DEFAULT_REQUEST_TIMEOUT_MS = 600_000;

/** The attempt's log: masked lines, numbered from 1, written in order. */
class AttemptLog {
  count = 0;
  readonly mask: (text: string) => string;
  readonly #logs: LogStore;
  readonly #input: JobAttemptInput;
  #written: Promise<void> = Promise.resolve();
  constructor(logs: LogStore, input: JobAttemptInput, mask: (text: string) => string) {
    this.#logs = logs;
    this.#input = input;
    this.mask = mask;
  }
  write(texts: readonly string[]): Promise<void> {
    if (texts.length === 0) return this.#written;
    const from = this.count + 1;
    this.count += texts.length;
    const lines = texts.map((t) => ({ ts: Date.now(), stream: 'stdout' as const, text: this.mask(t) }));
    const { runId, job, attempt } = this.#input;
    this.#written = this.#written.then(() => this.#logs.appendLogs(runId, job.path, attempt, from, lines));
    return this.#written;
  }
}

type Outcome = { readonly response: Response; readonly text: string } | { readonly failed: string; readonly timedOut?: boolean; readonly cancelled?: boolean };

/** Sends the call, bounded by `timeoutMs` and stopped by the activity's cancellation; heartbeats while it waits. */
async function send(call: RenderedCall, timeoutMs: number, heartbeatEveryMs: number): Promise<Outcome> {
  const ctx = Context.current();
  const timeout = AbortSignal.timeout(timeoutMs);
  const heartbeat = setInterval(() => ctx.heartbeat(), heartbeatEveryMs);
  try {
    const signal = AbortSignal.any([timeout, ctx.cancellationSignal]);
    const response = await fetch(call.url, { method: call.method, headers: call.headers, ...(call.body === undefined ? {} : { body: call.body }), signal });
    return { response, text: await response.text() };
  } catch (err) {
    if (ctx.cancellationSignal.aborted) return { failed: 'cancelled', cancelled: true };
    if (timeout.aborted) return { failed: `no response within ${seconds(timeoutMs)}`, timedOut: true };
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { failed: `request failed: ${(err as Error).message}${cause}` };
  } finally {
    clearInterval(heartbeat);
  }
}

/** Heartbeat details of an attempt waiting for its callback: the token's hash (never the token). */
interface WaitingDetails {
  readonly callbackHash: string;
}

function waitingDetails(): WaitingDetails | undefined {
  const details = Context.current().info.heartbeatDetails as Partial<WaitingDetails> | undefined;
  return typeof details?.callbackHash === 'string' ? { callbackHash: details.callbackHash } : undefined;
}

/**
 * Waits until the API completes this activity with the callback (the next
 * heartbeat then cancels the function: `NOT_FOUND`), the run cancels it, or
 * the timeout ends it. The heartbeats tell Temporal this worker is alive.
 */
async function awaitCallback(details: WaitingDetails, everyMs: number): Promise<never> {
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat(details);
    await ctx.sleep(everyMs);
  }
}

/** The verdict of a response without callback: its status, then its outputs and `CO_RESULT`. */
function judgeResponse(job: JobSpec, text: string, mask: (t: string) => string): { outputs: Record<string, string>; warnings: string[]; failed?: string; retryable: boolean } {
  const collector = responseOutputs(text);
  const warnings = [...collector.warnings];
  for (const name of job.outputs) if (collector.outputs[name] === undefined) warnings.push(`declared output ${name} was not in the response`);
  const outputs = Object.fromEntries(Object.entries(collector.outputs).map(([k, v]) => [k, mask(v)]));
  if (collector.limitError !== undefined) return { outputs: {}, warnings, failed: collector.limitError, retryable: false };
  if (collector.coResult() === 'false') return { outputs, warnings, failed: 'the service reported CO_RESULT=false', retryable: true };
  return { outputs, warnings, retryable: true };
}

/** Builds the service activity with its dependencies. */
export function createServiceActivities(deps: ServiceActivityDeps) {
  const { logs, secrets, callbacks, publicUrl, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, heartbeatEveryMs = 1_000 } = deps;

  /** A fresh single-use token and the URL the called system posts to, when the service waits for a callback. */
  async function callbackFor(job: JobSpec, spec: ServiceSpec): Promise<{ token: string; url: string } | undefined> {
    if (spec.callback === undefined) return undefined;
    if (callbacks === undefined || publicUrl === undefined) {
      throw ApplicationFailure.nonRetryable(`job ${job.path}: this worker cannot receive callbacks (no callback store or public URL configured)`, FAILURE_TYPES.badInput);
    }
    const token = randomBytes(32).toString('base64url');
    return { token, url: `${(await publicUrl()).replace(/\/+$/, '')}${CALLBACK_PATH}${token}` };
  }

  /** A retry of a callback attempt whose worker was lost: take the wait over, never call the system again. */
  async function takeOverWait(input: JobAttemptInput): Promise<JobAttemptResult> {
    const { runId, attempt, job } = input;
    const details = waitingDetails();
    const ok = details !== undefined && (await callbacks?.retargetCallback(details.callbackHash, Context.current().info.taskToken)) === true;
    const reason = details === undefined
      ? 'the worker making the call was lost before the system answered; whether it received the call is unknown'
      : 'the worker waiting for the callback was lost, and the callback token is no longer waiting (used or expired)';
    const text = ok ? 'service: the worker waiting for the callback was lost; this worker waits now' : `service: ${reason}`;
    await logs.appendLogs(runId, job.path, attempt, (await logs.countLogs(runId, job.path, attempt)) + 1, [{ ts: Date.now(), stream: 'stdout', text }]);
    if (!ok || details === undefined) return { exitCode: null, timedOut: false, cancelled: false, warnings: [], outputs: {}, succeeded: false, reason, retryable: true, logLines: 0 };
    return awaitCallback(details, heartbeatEveryMs);
  }

  async function callService(input: JobAttemptInput): Promise<JobAttemptResult> {
    const { runId, attempt, job } = input;
    const spec = job.service;
    if (spec === undefined) throw ApplicationFailure.nonRetryable(`job ${job.path} is not a service job`, FAILURE_TYPES.badInput);
    // Temporal retries a callback attempt only when its worker stopped heartbeating.
    if (spec.callback !== undefined && Context.current().info.attempt > 1) return takeOverWait(input);
    const secretValues = await resolveSecretValues(job, attemptSecrets(input.secretsWithheld, secrets));
    const callback = await callbackFor(job, spec);
    const call = renderCall(spec, { secrets: secretValues, ...(callback === undefined ? {} : { callback: { url: callback.url } }) }, job.path);
    if (callback !== undefined) call.headers[CALLBACK_HEADER] = callback.url;
    // The token is a credential: whoever holds it completes the job. Logs show it masked, like secrets.
    const masker = new SecretMasker([...Object.values(secretValues), ...(callback === undefined ? [] : [callback.token])]);
    const log = new AttemptLog(logs, input, masker.mask);
    const base = { exitCode: null, timedOut: false, cancelled: false, warnings: [] as string[], outputs: {} };
    const fail = async (reason: string, retryable: boolean, extra: Partial<JobAttemptResult> = {}): Promise<JobAttemptResult> => {
      if (callback !== undefined) await callbacks?.removeCallback(callback.token);
      await log.write([`service: ${reason}`]);
      return { ...base, succeeded: false, reason, retryable, ...extra, logLines: log.count };
    };

    await log.write(requestLines(call));
    if (callback !== undefined && spec.callback !== undefined) {
      // Registered before the call: a system may call back before it answers.
      const target = { taskToken: Context.current().info.taskToken, runId, jobPath: job.path, attempt };
      await callbacks?.registerCallback(callback.token, target, new Date(Date.now() + spec.callback.timeoutMs));
    }
    const timeoutMs = spec.callback?.timeoutMs ?? (job.timeoutMs > 0 ? job.timeoutMs : requestTimeoutMs);
    const sent = await send(call, timeoutMs, heartbeatEveryMs);
    if ('failed' in sent) return fail(sent.failed, sent.cancelled !== true, { ...(sent.timedOut ? { timedOut: true } : {}), ...(sent.cancelled ? { cancelled: true } : {}) });
    const { response, text } = sent;
    // The body arrives whole: its `[COUT] ::mask::` values are masked in all of it, and in the outputs.
    masker.add(...maskRequests(text));
    await log.write([`< ${response.status} ${response.statusText}`, ...bodyLines('< ', text)]);
    if (!response.ok) return fail(`${call.method} ${log.mask(call.url.href)} answered ${response.status} ${response.statusText}`.trimEnd(), retryableStatus(response.status));
    if (spec.callback !== undefined && callback !== undefined) {
      await log.write([`service: waiting for a callback (up to ${seconds(spec.callback.timeoutMs)})`]);
      return awaitCallback({ callbackHash: tokenHash(callback.token) }, heartbeatEveryMs);
    }
    const verdict = judgeResponse(job, text, log.mask);
    if (verdict.failed !== undefined) return fail(verdict.failed, verdict.retryable, { warnings: verdict.warnings, outputs: verdict.outputs });
    return { ...base, succeeded: true, outputs: verdict.outputs, warnings: verdict.warnings, retryable: true, logLines: log.count };
  }

  return { callService };
}

export type ServiceActivities = ReturnType<typeof createServiceActivities>;
