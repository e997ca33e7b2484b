/**
 * The CLI's HTTP client for `/api/v1`. Errors from the API become ApiCallError
 * carrying the API's code and message.
 */
import type { RunStatus } from '../workflows/status.ts';
import type { LogPage } from '../store/types.ts';

export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

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

export interface StartedRun { runId: string; number: number; flowUri: string; flowVersion: number }
export interface AppliedFlow { uri: string; version: number; created: boolean }
export interface RunSummary { runId: string; status: string; startedAt: string; endedAt: string | null }

export class ApiClient {
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async request<T>(method: string, path: string, body?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        ...(body !== undefined ? { body, headers: { 'content-type': 'application/yaml' } } : {}),
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
  startRun(uri: string): Promise<StartedRun> {
    return this.request('POST', `${flowPath(uri)}/runs`);
  }
  runStatus(runId: string): Promise<RunStatus> {
    return this.request('GET', runPath(runId));
  }
  listRuns(flow?: string): Promise<{ runs: RunSummary[] }> {
    return this.request('GET', `/api/v1/runs${flow ? `?flow=${encodeURIComponent(flow)}` : ''}`);
  }
  logs(runId: string, opts: { job?: string; after?: number }): Promise<LogPage> {
    const q = new URLSearchParams();
    if (opts.job) q.set('job', opts.job);
    if (opts.after) q.set('after', String(opts.after));
    return this.request('GET', `${runPath(runId)}/logs?${q.toString()}`);
  }
}
