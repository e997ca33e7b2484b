/**
 * The CLI's HTTP client for `/api/v1`. Errors from the API become ApiCallError
 * carrying the API's code and message.
 */
import { ApiCallError } from './errors.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import type { RunSummary } from '../contracts/run-summary.ts';
import type { LogPage } from '../contracts/logs.ts';
import type { FlowIssue } from '../flow/errors.ts';

/** How long a follow keeps reconnecting to an API that went away. */
const RECONNECT_WINDOW_MS = 60_000;

/** `acme/shop/ci#3` or `acme/shop/ci/3` → the run's URL path. */
export function runPath(runId: string): string {
  const m = /^([^/#\s]+\/[^/#\s]+\/[^/#\s]+)[#/](\d+)$/.exec(runId);
  if (!m) throw new ApiCallError(0, 'bad_run_id', `"${runId}" is not a run id (expected <namespace>/<repository>/<name>#<number>)`, null);
  return `/api/v1/runs/${m[1]!.split('/').map(encodeURIComponent).join('/')}/${m[2]!}`;
}

function flowPath(uri: string): string {
  const parts = uri.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new ApiCallError(0, 'bad_flow_uri', `"${uri}" is not a flow uri (expected <namespace>/<repository>/<name>)`, null);
  }
  return `/api/v1/flows/${parts.map(encodeURIComponent).join('/')}`;
}

export interface StartedRun { runId: string; number: number; flowUri: string; flowVersion: number; duplicate?: boolean }
export interface AppliedFlow { uri: string; version: number; created: boolean; schedules?: string[]; warnings?: FlowIssue[] }
export interface RunFilter { flow?: string; status?: string; trigger?: string; branch?: string; since?: string; until?: string; limit?: number; cursor?: string }
export interface FlowSummary { uri: string; version: number; title: string | null; createdAt: string }
export interface ComponentSummary {
  namespace: string;
  name: string;
  version: string;
  image: string;
  description?: string;
  inputs: { name: string; required: boolean; default?: string; description?: string; secret: boolean }[];
  outputs: { name: string; description?: string }[];
  resources: { cpuMillis?: number; memoryBytes?: number };
  timeoutMs?: number;
}

/** One server-sent event. */
export interface ServerEvent { id?: string; event: string; data: string }

export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  /** `token`: a bearer token (`--token`, `$COFLOW_TOKEN`); never printed. */
  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token || undefined;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}) };
  }

  async request<T>(method: string, path: string, body?: string, contentType = 'application/yaml'): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: this.#headers(body !== undefined ? { 'content-type': contentType } : {}),
        ...(body !== undefined ? { body } : {}),
      });
    } catch (err) {
      throw new ApiCallError(0, 'unreachable', `cannot reach the coflow API at ${this.baseUrl} (is \`coflow dev\` running?): ${(err as Error).message}`, null);
    }
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      throw new ApiCallError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details ?? null);
    }
    return json as T;
  }

  applyFlow(yaml: string): Promise<AppliedFlow> {
    return this.request('POST', '/api/v1/flows', yaml);
  }
  /** Starts a run; `inputs` are the flow inputs' values (the others take their defaults); `report` a commit to report statuses on. */
  startRun(uri: string, inputs?: Readonly<Record<string, string>>, report?: { readonly commit: string; readonly repo: string }): Promise<StartedRun> {
    const given = inputs !== undefined && Object.keys(inputs).length > 0;
    if (!given && report === undefined) return this.request('POST', `${flowPath(uri)}/runs`);
    return this.request('POST', `${flowPath(uri)}/runs`, JSON.stringify({ ...(given ? { inputs } : {}), ...report }), 'application/json');
  }
  runStatus(runId: string): Promise<RunStatus> {
    return this.request('GET', runPath(runId));
  }
  /** A page of runs; `flow` alone is the old call shape. */
  listRuns(filter: RunFilter | string = {}): Promise<{ runs: RunSummary[]; next: string | null }> {
    const f: RunFilter = typeof filter === 'string' ? { flow: filter } : filter;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
    return this.request('GET', `/api/v1/runs${q.size > 0 ? `?${q.toString()}` : ''}`);
  }
  validateFlow(yaml: string): Promise<{ valid: true; uri: string; warnings?: FlowIssue[] }> {
    return this.request('POST', '/api/v1/flows/validate', yaml);
  }
  listFlows(opts: { limit?: number; cursor?: string } = {}): Promise<{ flows: FlowSummary[]; next: string | null }> {
    const q = new URLSearchParams();
    if (opts.limit) q.set('limit', String(opts.limit));
    if (opts.cursor) q.set('cursor', opts.cursor);
    return this.request('GET', `/api/v1/flows${q.size > 0 ? `?${q.toString()}` : ''}`);
  }
  getFlow(uri: string, version?: number): Promise<{ uri: string; version: number; source: string; spec: unknown; createdAt: string }> {
    return this.request('GET', `${flowPath(uri)}${version ? `?version=${version}` : ''}`);
  }
  flowVersions(uri: string): Promise<{ uri: string; versions: { version: number; createdAt: string }[] }> {
    return this.request('GET', `${flowPath(uri)}/versions`);
  }
  components(): Promise<{ components: ComponentSummary[] }> {
    return this.request('GET', '/api/v1/components');
  }
  component(ref: string): Promise<{ versions: ComponentSummary[] }> {
    const [ns, name] = ref.split('/');
    if (!ns || !name) throw new ApiCallError(0, 'bad_component', `"${ref}" is not a component (expected <namespace>/<name>)`, null);
    return this.request('GET', `/api/v1/components/${encodeURIComponent(ns)}/${encodeURIComponent(name.split('@')[0]!)}`);
  }
  /** `/healthz`, `/readyz` or `/metrics` as text. */
  async probe(path: '/healthz' | '/readyz' | '/metrics'): Promise<{ status: number; body: string }> {
    try {
      const res = await fetch(this.baseUrl + path);
      return { status: res.status, body: await res.text() };
    } catch (err) {
      throw new ApiCallError(0, 'unreachable', `cannot reach the coflow API at ${this.baseUrl}: ${(err as Error).message}`, null);
    }
  }

  /**
   * Follows an SSE endpoint, reconnecting with `Last-Event-ID` when the
   * connection drops; ends after an \`end\` event.
   */
  async *events(path: string, opts: { lastEventId?: string; signal?: AbortSignal } = {}): AsyncGenerator<ServerEvent> {
    let lastId = opts.lastEventId;
    // Reconnect for as long as the API stays away less than a minute (a restart, a deploy).
    let giveUpAt = Date.now() + RECONNECT_WINDOW_MS;
    for (;;) {
      let res: Response;
      try {
        res = await fetch(this.baseUrl + path, {
          headers: this.#headers({ accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': lastId } : {}) }),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (err) {
        if (opts.signal?.aborted) return;
        if (Date.now() < giveUpAt) { await new Promise((r) => setTimeout(r, 500)); continue; }
        throw new ApiCallError(0, 'unreachable', `cannot reach the coflow API at ${this.baseUrl}: ${(err as Error).message}`, null);
      }
      if (!res.ok || !res.body) {
        const text = await res.text();
        const e = (text ? (JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } }) : {}).error;
        throw new ApiCallError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details ?? null);
      }
      giveUpAt = Date.now() + RECONNECT_WINDOW_MS;
      let buffer = '';
      let current: { id?: string; event: string; data: string[] } = { event: 'message', data: [] };
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let nl;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).replace(/\r$/, '');
            buffer = buffer.slice(nl + 1);
            if (line === '') {
              if (current.data.length > 0) {
                if (current.id !== undefined) lastId = current.id;
                const ev: ServerEvent = { event: current.event, data: current.data.join('\n'), ...(current.id !== undefined ? { id: current.id } : {}) };
                yield ev;
                if (ev.event === 'end') return;
              }
              current = { event: 'message', data: [] };
              continue;
            }
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') current.id = value;
            else if (field === 'event') current.event = value;
            else if (field === 'data') current.data.push(value);
          }
        }
      } catch (err) {
        // A dropped connection (the server went away mid-stream): reconnect below.
        if (opts.signal?.aborted) return;
        if (Date.now() >= giveUpAt) throw err;
      }
      if (opts.signal?.aborted) return;
      // The stream ended without `end`: reconnect and resume after the last id.
    }
  }
  followLogsPath(runId: string, job?: string): string {
    return `${runPath(runId)}/logs/stream${job ? `?job=${encodeURIComponent(job)}` : ''}`;
  }
  runEventsPath(runId: string): string {
    return `${runPath(runId)}/events`;
  }
  logs(runId: string, opts: { job?: string; after?: number }): Promise<LogPage> {
    const q = new URLSearchParams();
    if (opts.job) q.set('job', opts.job);
    if (opts.after) q.set('after', String(opts.after));
    return this.request('GET', `${runPath(runId)}/logs?${q.toString()}`);
  }
}
