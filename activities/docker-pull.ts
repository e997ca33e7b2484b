/**
 * The docker runner's image pull: by the job's pull policy, with the
 * registry's stored credentials, its progress summarised into the job's log
 * (one line per layer state change, not per progress tick), and its failures
 * sorted into "the image does not exist", "the registry refused the
 * credentials" (neither helped by a retry) and anything else (a registry that
 * is down: retried).
 */
import type Dockerode from 'dockerode';
import type { LogLine } from '../contracts/logs.ts';
import type { ImagePullPolicy } from '../flow/model.ts';
import { ImageNotFoundError, RegistryAuthError, statusOf } from './errors.ts';
import { registryHost } from './registry-auth.ts';
import type { RegistryAuth } from './runner.ts';

export interface PullRequest {
  readonly image: string;
  readonly policy: ImagePullPolicy;
  readonly auth?: RegistryAuth;
  readonly onLine: (line: LogLine) => void | Promise<void>;
  readonly signal: AbortSignal;
}

/** Prefix of the pull's log lines. */
export const PULL_PREFIX = '[pull] ';

/** What the registry or daemon says when the credentials are wrong or missing. */
const AUTH_REFUSED = /unauthorized|authentication required|no basic auth credentials|incorrect username or password|401/i;
/** What it says when the image is not there. */
const NOT_FOUND = /manifest unknown|not found|name unknown|repository does not exist|404/i;

interface PullEvent {
  readonly id?: string;
  readonly status?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/**
 * Makes sure the image is there as the policy asks: `Always` pulls,
 * `IfNotPresent` pulls when the daemon lacks it, `Never` never pulls (a
 * missing image then fails at create). Returns the number of log lines written.
 */
export async function ensureImage(docker: Dockerode, request: PullRequest): Promise<number> {
  if (request.policy === 'Never') return 0;
  if (request.policy === 'IfNotPresent' && (await hasImage(docker, request.image))) return 0;
  return pull(docker, request);
}

async function hasImage(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

async function pull(docker: Dockerode, request: PullRequest): Promise<number> {
  const { image, auth, signal } = request;
  let lines = 0;
  const say = async (text: string): Promise<void> => {
    lines++;
    await request.onLine({ ts: Date.now(), stream: 'stdout', text: `${PULL_PREFIX}${text}` });
  };
  await say(`pulling ${image}${auth === undefined ? '' : ` as ${auth.username}`}`);
  const authconfig = auth === undefined ? undefined : { username: auth.username, password: auth.password, serveraddress: auth.server };
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(image, { ...(authconfig ? { authconfig } : {}), abortSignal: signal });
  } catch (err) {
    if (signal.aborted) return lines;
    throw await failed(request, daemonMessage(err), err, say);
  }
  const last = new Map<string, string>();
  let rest = '';
  try {
    for await (const chunk of stream) {
      rest += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        const event = parseEvent(part);
        if (event === undefined) continue;
        const error = event.errorDetail?.message ?? event.error;
        if (error !== undefined) throw await failed(request, error, undefined, say);
        const text = summary(event, last);
        if (text !== undefined) await say(text);
      }
    }
  } catch (err) {
    if (signal.aborted) return lines;
    throw err;
  }
  return lines;
}

function parseEvent(line: string): PullEvent | undefined {
  if (line.trim() === '') return undefined;
  try {
    return JSON.parse(line) as PullEvent;
  } catch {
    return undefined;
  }
}

/** A line for an event that changes a layer's (or the pull's) state; undefined for a repeated state (progress ticks). */
function summary(event: PullEvent, last: Map<string, string>): string | undefined {
  const { id = '', status } = event;
  if (status === undefined || last.get(id) === status) return undefined;
  last.set(id, status);
  return id === '' ? status : `${id}: ${status}`;
}

/** The daemon's own words, without dockerode's `(HTTP code 500) server error - ` prefix. */
function daemonMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | null)?.json;
  if (typeof json?.message === 'string') return json.message;
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** Logs the failure and returns the error to throw: not found and refused credentials are the user's to fix. */
async function failed(request: PullRequest, message: string, cause: unknown, say: (t: string) => Promise<void>): Promise<Error> {
  await say(`failed: ${message}`);
  const options = cause === undefined ? {} : { cause };
  const server = registryHost(request.image);
  if (AUTH_REFUSED.test(message)) {
    const why = request.auth === undefined ? `${message} (no credentials stored for ${server})` : message;
    return new RegistryAuthError(request.image, server, why, options);
  }
  if (NOT_FOUND.test(message)) return new ImageNotFoundError(request.image, { ...options, detail: message });
  return new Error(`pulling ${request.image} failed: ${message}`, options);
}
