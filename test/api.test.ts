/**
 * The HTTP API on a real server and a real Temporal server: bearer tokens and
 * roles, run filters and cursors from Temporal visibility, the OpenAPI
 * document, probes and metrics, log and run-event streams, schedules, and the
 * CLI against all of it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { ApiCallError } from '../cli/errors.ts';
import type { StoredLogLine } from '../contracts/logs.ts';
import { repoRoot, startHarness, waitForRun, type Harness } from './support/harness.ts';

const TOKENS = {
  viewer: 'viewer-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
};

let h: Harness;
let url: string;
let viewer: ApiClient;
let operator: ApiClient;
let admin: ApiClient;
const dir = mkdtempSync(join(tmpdir(), 'coflow-api-'));

const quickFlow = (uri: string, extra = ''): string => `
uri: ${uri}
${extra}
stages:
  - name: s
    actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ]
`;

beforeAll(async () => {
  h = await startHarness({
    tokens: [
      { user: 'vera', roles: ['viewer'], token: TOKENS.viewer },
      { user: 'olivia', roles: ['operator', 'release'], token: TOKENS.operator },
      { user: 'adam', roles: ['admin'], token: TOKENS.admin },
    ],
  });
  url = h.platform.apiUrl;
  viewer = new ApiClient(url, TOKENS.viewer);
  operator = new ApiClient(url, TOKENS.operator);
  admin = new ApiClient(url, TOKENS.admin);
});
afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function refused(p: Promise<unknown>): Promise<ApiCallError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiCallError);
  return err as ApiCallError;
}

/** Polls visibility until `check` holds. */
async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('bearer tokens and roles', () => {
  it('answers 401 without a token or with an unknown one, and never echoes a token', async () => {
    const written: string[] = [];
    const spies = [process.stdout, process.stderr].map((s) => {
      const original = s.write.bind(s);
      s.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        written.push(String(chunk));
        return original(chunk, ...rest);
      });
      return () => { s.write = original; };
    });
    try {
      const none = await fetch(`${url}/api/v1/flows`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
      const wrong = await fetch(`${url}/api/v1/flows`, { headers: { authorization: 'Bearer not-a-real-token-at-all' } });
      const body = await wrong.text();
      expect(wrong.status).toBe(401);
      expect(body).not.toContain('not-a-real-token-at-all');
      const weird = await fetch(`${url}/api/v1/runs`, { headers: { authorization: `Basic ${TOKENS.admin}` } });
      expect(weird.status).toBe(401);
      expect(await weird.text()).not.toContain(TOKENS.admin);
      expect((await refused(new ApiClient(url).listFlows())).status).toBe(401);
    } finally {
      spies.forEach((restore) => restore());
    }
    expect(written.join('')).not.toMatch(/token-0123456789abcdef|not-a-real-token/);
  });

  it('lets a viewer read but not start a run (403), an operator start but not apply, an admin apply', async () => {
    const uri = 'test/api-auth/flow';
    expect((await refused(operator.applyFlow(quickFlow(uri)))).status).toBe(403);
    expect(await admin.applyFlow(quickFlow(uri))).toMatchObject({ uri, version: 1, created: true });
    expect((await viewer.listFlows()).flows.map((f) => f.uri)).toContain(uri);
    const denied = await refused(viewer.startRun(uri));
    expect(denied.status).toBe(403);
    expect(denied.code).toBe('forbidden');
    expect(denied.message).toContain('operator');

    const started = await operator.startRun(uri);
    expect((await waitForRun(viewer, started.runId)).state).toBe('succeeded');
    // The run is attributed to the token's user.
    const status = await viewer.runStatus(started.runId);
    expect(status.triggeredBy).toBe('olivia');
    const listed = await eventually(() => viewer.listRuns({ flow: uri }), (p) => p.runs.some((r) => r.runId === started.runId && r.status === 'succeeded'));
    expect(listed.runs.find((r) => r.runId === started.runId)).toMatchObject({ actor: 'olivia', trigger: 'manual', status: 'succeeded', number: started.number, flowUri: uri });
  });

  it('hands a manual run\'s comment to its jobs as trigger.message', async () => {
    const uri = 'test/api-auth/comment';
    await admin.applyFlow(`
uri: ${uri}
stages:
  - name: s
    actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: 'echo "why: \${{ trigger.message }}"' } ] } ]
`);
    const started = await operator.request<{ runId: string }>('POST', `/api/v1/flows/${uri}/runs`, JSON.stringify({ comment: 'hotfix for INC-42' }), 'application/json');
    expect((await waitForRun(viewer, started.runId)).state).toBe('succeeded');
    const lines = await viewer.logs(started.runId, { job: 's.a.j' });
    expect(lines.lines.map((l) => l.text)).toEqual(['why: hotfix for INC-42']);
  });

  it('gives the CLI its exit codes: 2 for a refused role, 0 for a permitted one', async () => {
    const file = join(dir, 'cli.yaml');
    writeFileSync(file, quickFlow('test/api-auth/cli'));
    // Asynchronous: the API answering the CLI runs in this very process.
    const coflow = (token: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), '--api', url, ...args], { env: { ...process.env, COFLOW_TOKEN: token } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('close', (status) => resolve({ status, stdout, stderr }));
      });
    const applied = await coflow(TOKENS.admin, 'apply', file, '--json');
    expect(applied.status).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ uri: 'test/api-auth/cli', version: 1 });
    const refusedRun = await coflow(TOKENS.viewer, 'run', 'test/api-auth/cli');
    expect(refusedRun.status).toBe(2);
    expect(refusedRun.stderr).toContain('operator role');
    expect(refusedRun.stderr + refusedRun.stdout).not.toContain(TOKENS.viewer);
    const followed = await coflow(TOKENS.operator, 'run', 'test/api-auth/cli', '--follow', '--json');
    expect(followed.status).toBe(0);
    expect(JSON.parse(followed.stdout)).toMatchObject({ state: 'succeeded' });
    expect((await coflow('', 'flows')).status).toBe(2);
    const comps = await coflow(TOKENS.viewer, 'components', '--json');
    expect(JSON.parse(comps.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ namespace: 'library', name: 'shell' })]));
    const health = await coflow('', 'health', '--json');
    expect(health.status).toBe(0);
    expect(JSON.parse(health.stdout)).toMatchObject({ ready: true });
  });
});

describe('runs from Temporal visibility', () => {
  it('filters by flow, status, trigger and time range, and pages with a cursor', async () => {
    const ok = 'test/api-runs/ok';
    const bad = 'test/api-runs/bad';
    await admin.applyFlow(quickFlow(ok));
    await admin.applyFlow(`
uri: ${bad}
stages:
  - name: s
    actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "exit 3" } ] } ]
`);
    const since = new Date().toISOString();
    const runs = [await operator.startRun(ok), await operator.startRun(ok), await operator.startRun(ok), await operator.startRun(bad)];
    await Promise.all(runs.map((r) => waitForRun(viewer, r.runId)));

    const okRuns = await eventually(() => viewer.listRuns({ flow: ok, status: 'succeeded' }), (p) => p.runs.length === 3);
    expect(okRuns.runs.map((r) => r.number).sort()).toEqual([1, 2, 3]);
    const failed = await eventually(() => viewer.listRuns({ flow: bad, status: 'failed' }), (p) => p.runs.length === 1);
    expect(failed.runs[0]).toMatchObject({ runId: runs[3]!.runId, status: 'failed' });
    expect((await viewer.listRuns({ flow: bad, status: 'succeeded' })).runs).toEqual([]);
    expect((await viewer.listRuns({ flow: ok, trigger: 'github' })).runs).toEqual([]);
    expect((await viewer.listRuns({ flow: ok, since, trigger: 'manual' })).runs).toHaveLength(3);
    expect((await viewer.listRuns({ flow: ok, until: since })).runs).toEqual([]);

    // Cursor paging: three pages of one, no run twice, then no cursor.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await viewer.listRuns({ flow: ok, limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.runs.map((r) => r.runId));
      cursor = page.next ?? undefined;
    } while (cursor !== undefined && seen.length < 10);
    expect(new Set(seen).size).toBe(3);
    expect(seen).toHaveLength(3);

    const badQuery = await fetch(`${url}/api/v1/runs?status=exploded&limit=0`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toMatchObject({ error: { code: 'invalid_request', details: { issues: expect.arrayContaining([expect.objectContaining({ path: 'status' })]) as unknown } } });
    const badCursor = await fetch(`${url}/api/v1/runs?cursor=%27%3B`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(badCursor.status).toBe(400);
  });
});

describe('the OpenAPI document, probes and metrics', () => {
  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const res = await fetch(`${url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string }[] }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/v1/flows', '/api/v1/runs', '/api/v1/runs/{ns}/{repo}/{name}/{number}/logs/stream', '/api/v1/components', '/hooks/{forge}/{ns}/{repo}/{name}']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.paths['/api/v1/runs']!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['flow', 'status', 'trigger', 'branch', 'since', 'until', 'cursor', 'limit']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'RunSummary', 'RunStatus', 'LogLine', 'HookResult']));
  });

  it('answers /healthz and /readyz, and exports metrics in Prometheus format', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { store: 'ok', temporal: 'ok' } });
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/coflow_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/runs".*\}/);
    expect(text).toMatch(/coflow_runs_started_total\{trigger="manual"\} [1-9]/);
    expect(text).toMatch(/coflow_runs\{status="succeeded"\} [1-9]/);
    expect(text).toMatch(/coflow_job_attempt_duration_seconds_count\{result="succeeded"\} [1-9]/);
    expect(text).toContain('# TYPE coflow_webhook_deliveries_total counter');
  });
});

describe('live streams', () => {
  it('follows a log over SSE and resumes from Last-Event-ID without gaps or duplicates', async () => {
    const uri = 'test/api-sse/logs';
    await admin.applyFlow(`
uri: ${uri}
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: j, endpoint: "coflow/shell:1.0.0", script: "for i in 1 2 3 4 5 6; do echo line-$i; sleep 0.3; done" }
`);
    const run = await operator.startRun(uri);
    const path = viewer.followLogsPath(run.runId);
    const first: StoredLogLine[] = [];
    let lastId: string | undefined;
    const abort = new AbortController();
    for await (const ev of viewer.events(path, { signal: abort.signal })) {
      if (ev.event !== 'line') continue;
      first.push(JSON.parse(ev.data) as StoredLogLine);
      lastId = ev.id;
      if (first.length === 2) {
        abort.abort();
        break;
      }
    }
    expect(lastId).toBe(String(first[1]!.cursor));
    const rest: StoredLogLine[] = [];
    let ended = false;
    for await (const ev of viewer.events(path, { lastEventId: lastId! })) {
      if (ev.event === 'line') rest.push(JSON.parse(ev.data) as StoredLogLine);
      if (ev.event === 'end') ended = true;
    }
    expect(ended).toBe(true);
    expect([...first, ...rest].map((l) => l.text)).toEqual(['line-1', 'line-2', 'line-3', 'line-4', 'line-5', 'line-6']);
  });

  it('streams a run\'s status as it changes, ending with its final state', async () => {
    const uri = 'test/api-sse/events';
    await admin.applyFlow(quickFlow(uri));
    const run = await operator.startRun(uri);
    const states: string[] = [];
    let end: { state?: string } = {};
    for await (const ev of viewer.events(viewer.runEventsPath(run.runId))) {
      if (ev.event === 'status') states.push((JSON.parse(ev.data) as { state: string }).state);
      if (ev.event === 'end') end = JSON.parse(ev.data) as { state: string };
    }
    expect(states.at(-1)).toBe('succeeded');
    expect(end.state).toBe('succeeded');
    const missing = await fetch(`${url}/api/v1/runs/test/api-sse/none/1/events`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(missing.status).toBe(404);
  });
});

describe('schedules', () => {
  it('keeps a Temporal Schedule in step with the flow on every apply, and a triggered schedule runs the flow', async () => {
    const uri = 'test/api-schedules/nightly';
    const applied = await admin.applyFlow(quickFlow(uri, `triggers:
  - schedule: { cron: "0 3 * * *", timezone: Europe/Brussels }
concurrency: { max: 1, onLimit: queue }`));
    expect(applied.schedules).toEqual([`coflow:${uri}:schedule-1`]);
    const handle = h.platform.client.schedule.getHandle(applied.schedules![0]!);
    let desc = await handle.describe();
    expect(desc.spec.timezone).toBe('Europe/Brussels');
    expect(desc.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
    expect(desc.policies.overlap).toBe('BUFFER_ONE');
    expect(desc.policies.catchupWindow).toBe(600_000);

    // Fire it now: the flow runs as a scheduled run.
    await handle.trigger();
    const scheduled = await eventually(() => viewer.listRuns({ flow: uri, trigger: 'schedule' }), (p) => p.runs.length > 0, 30_000);
    expect(scheduled.runs).toHaveLength(1);
    const done = await waitForRun(viewer, scheduled.runs[0]!.runId);
    expect(done.state).toBe('succeeded');

    // Changed: updated in place.
    await admin.applyFlow(quickFlow(uri, `triggers:
  - schedule: { cron: "30 4 * * 1-5", timezone: America/New_York }
concurrency: { max: 1, onLimit: reject }`));
    desc = await handle.describe();
    expect(desc.spec.timezone).toBe('America/New_York');
    expect(desc.policies.overlap).toBe('SKIP');

    // Removed: the schedule goes too.
    const gone = await admin.applyFlow(quickFlow(uri));
    expect(gone.schedules).toEqual([]);
    await expect(handle.describe()).rejects.toThrow(/not found/i);
  });
});
