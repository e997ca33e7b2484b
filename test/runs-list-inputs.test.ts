/**
 * What the web UI's runs list and "Run" button rely on, through the HTTP API
 * on the real platform (Temporal dev server, Docker): a manual run with flow
 * inputs that a job reads, the run's state in the list as it waits at a gate
 * and is paused (and found by `?status=`), the live list over SSE, and a
 * re-run that keeps the inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPath } from '../cli/api-client.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import type { RunSummary } from '../contracts/run-summary.ts';
import { eventually } from './support/eventually.ts';
import { job, startHarness, waitForRun, type Harness } from './support/harness.ts';

const FLOW = `uri: test/inputs/deploy
inputs:
  target: { description: where to deploy, required: true, options: [staging, production] }
  replicas: 2
stages:
  - name: build
    actions:
      - name: a
        jobs:
          - { name: say, endpoint: coflow/shell:1.0.0, outputs: [T], script: 'sleep 1; echo "[COUT] T = \${{ inputs.target }}/\${{ inputs.replicas }}"' }
  - { name: gate, type: pause }
`;
const URI = 'test/inputs/deploy';

let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness();
  base = h.platform.apiUrl;
  await h.api.applyFlow(FLOW);
});
afterAll(async () => {
  await h?.stop();
});

async function post(path: string, body?: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(base + path, { method: 'POST', ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function list(query: string): Promise<RunSummary[]> {
  const res = await fetch(`${base}/api/v1/runs?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { runs: RunSummary[] }).runs;
}

/** The runs list as `?flow=` shows a run, once it shows it in `state`; returns how long that took after `since`. */
async function listedAs(runId: string, state: string, since: number): Promise<number> {
  await eventually(`${runId} listed as ${state}`, async () => (await list(`flow=${URI}`)).some((r) => r.runId === runId && r.status === state));
  return Date.now() - since;
}

/** Reads `runs` events of the live list into `events` until aborted; resolves with the stream's failure, if any. */
function followRuns(query: string, events: { runs: RunSummary[] }[], signal: AbortSignal): Promise<unknown> {
  return (async () => {
    const res = await fetch(`${base}/api/v1/runs/events?${query}`, { signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.split('\n').includes('event: runs')) continue;
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        events.push(JSON.parse(data) as { runs: RunSummary[] });
      }
    }
  })().then(
    () => (signal.aborted ? undefined : new Error('the runs stream ended while followed')),
    (err: unknown) => (signal.aborted ? undefined : err),
  );
}

describe('runs list and flow inputs', () => {
  it('starts a run with inputs a job reads, lists it as waiting and paused (live too), and re-runs it with the same inputs', async () => {
    const events: { runs: RunSummary[] }[] = [];
    const abort = new AbortController();
    const following = followRuns(`flow=${URI}`, events, abort.signal);
    await eventually('the first runs event', () => events.length > 0);
    expect(events[0]!.runs).toEqual([]);

    const bad = await post(`/api/v1/flows/${URI}/runs`, { inputs: { target: 'prod' } });
    expect(bad.status).toBe(422);
    expect(bad.json.error).toMatchObject({ code: 'invalid_inputs', message: 'input "target" must be one of staging, production, got "prod"' });

    const started = await post(`/api/v1/flows/${URI}/runs`, { inputs: { target: 'production' } });
    expect(started.status).toBe(201);
    const runId = started.json.runId as string;
    const seen = (state: string) => events.some((e) => e.runs.some((r) => r.runId === runId && r.status === state));
    await eventually('the new run in a runs event', () => seen('running'));

    // At the gate: the job read the inputs (defaults filled in), the run waits, the list says so.
    const atGate = await eventually('the run at its gate', async () => {
      const s = (await (await fetch(base + runPath(runId))).json()) as RunStatus;
      return s.state === 'waiting' && s;
    });
    const gateAt = Date.now();
    expect(atGate.inputs).toEqual({ target: 'production', replicas: '2' });
    expect(job(atGate, 'build.a.say').outputs).toEqual({ T: 'production/2' });
    const waitingLag = await listedAs(runId, 'waiting', gateAt);
    expect((await list(`flow=${URI}&status=waiting`)).map((r) => r.runId)).toEqual([runId]);
    expect(await list(`flow=${URI}&status=running`)).toEqual([]);
    await eventually('the waiting run in a runs event', () => seen('waiting'));

    // Paused (while waiting): paused wins; resumed: waiting again.
    const pausedAt = Date.now();
    expect((await post(`${runPath(runId)}/pause`)).status).toBeLessThan(300);
    const pausedLag = await listedAs(runId, 'paused', pausedAt);
    expect((await list(`flow=${URI}&status=paused`)).map((r) => r.runId)).toEqual([runId]);
    expect(await list(`flow=${URI}&status=waiting`)).toEqual([]);
    await eventually('the paused run in a runs event', () => seen('paused'));
    const resumedAt = Date.now();
    expect((await post(`${runPath(runId)}/resume`)).status).toBeLessThan(300);
    const resumedLag = await listedAs(runId, 'waiting', resumedAt);

    const approvedAt = Date.now();
    expect((await post(`${runPath(runId)}/stages/gate/approve`)).status).toBeLessThan(300);
    const endedLag = await listedAs(runId, 'succeeded', approvedAt);
    expect((await waitForRun(h.api, runId, 30_000)).state).toBe('succeeded');
    await eventually('the ended run in a runs event', () => seen('succeeded'));
    abort.abort();
    expect(await following).toBeUndefined();
    console.log(`listed as: waiting ${waitingLag} ms after the status query said so; paused ${pausedLag} ms after the pause request; ` +
      `waiting again ${resumedLag} ms after resume; succeeded ${endedLag} ms after the approval`);

    // What it costs: one CoflowStatus upsert at the start, one per change of the run's state (waiting, paused,
    // waiting, running), one at the end; none per job.
    const history = await h.platform.client.workflow.getHandle(runId).fetchHistory();
    const upserted = (history.events ?? []).flatMap((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}));
    expect(upserted.filter((k) => k === 'CoflowStatus')).toHaveLength(6);

    // A re-run keeps the inputs: its job is reused, its status shows them.
    const rerun = await post(`${runPath(runId)}/rerun?full=true`);
    expect(rerun.status).toBe(201);
    const again = await eventually('the re-run at its gate', async () => {
      const s = (await (await fetch(base + runPath(rerun.json.runId as string))).json()) as RunStatus;
      return s.state === 'waiting' && s;
    });
    expect(again.inputs).toEqual({ target: 'production', replicas: '2' });
    expect(job(again, 'build.a.say').outputs).toEqual({ T: 'production/2' });
    expect((await post(`${runPath(again.runId)}/cancel`)).status).toBeLessThan(300);
    expect((await waitForRun(h.api, again.runId, 30_000)).state).toBe('cancelled');
  });
});
