/**
 * The HTTP API (`/api/v1`): flows, runs, logs. Built from its dependencies;
 * misconfiguration fails here, at build time, not on a request.
 */
import { Hono } from 'hono';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { parseFlow } from '../flow/index.ts';
import { resolveComponents, type Catalog } from '../components/catalog.ts';
import type { Store } from '../store/types.ts';
import type { RunInput, runFlow } from '../workflows/run.ts';
import type { RunStatus } from '../workflows/status.ts';
import { ApiError, errorResponse, notFound } from './errors.ts';

export interface ApiOptions {
  readonly store: Store;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly catalog: Catalog;
}

/** A run's id: `<flow uri>#<number>`; it is also its Temporal workflow id. */
export function runIdOf(uri: string, number: number): string {
  return `${uri}#${number}`;
}

async function bodyText(c: { req: { text(): Promise<string> } }): Promise<string> {
  const text = await c.req.text();
  if (text.trim() === '') throw new ApiError(400, 'empty_body', 'the request body must be a flow in YAML');
  return text;
}

/** Builds the Hono app. */
export function createApi(options: ApiOptions): Hono {
  const { store, temporal, taskQueue, catalog } = options;
  if (!taskQueue) throw new Error('createApi: taskQueue is required');
  const app = new Hono();
  app.onError(errorResponse);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}`, details: null } }, 404));

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.post('/api/v1/flows/validate', async (c) => {
    const flow = parseFlow(await bodyText(c));
    resolveComponents(flow, catalog);
    return c.json({ valid: true, uri: flow.uri });
  });

  app.post('/api/v1/flows', async (c) => {
    const source = await bodyText(c);
    const spec = parseFlow(source);
    resolveComponents(spec, catalog); // unknown components are rejected before anything is stored
    const { flow, created } = store.applyFlow(spec, source);
    return c.json({ uri: flow.uri, version: flow.version, created }, created ? 201 : 200);
  });

  app.get('/api/v1/flows', (c) =>
    c.json({ flows: store.listFlows().map((f) => ({ uri: f.uri, version: f.version, title: f.spec.title ?? null, createdAt: f.createdAt })) }),
  );

  app.get('/api/v1/flows/:ns/:repo/:name', (c) => {
    const uri = `${c.req.param('ns')}/${c.req.param('repo')}/${c.req.param('name')}`;
    const v = c.req.query('version');
    const flow = store.getFlow(uri, v === undefined ? undefined : Number(v));
    if (!flow) throw notFound(`flow ${uri}${v ? ` version ${v}` : ''}`);
    return c.json(flow);
  });

  app.post('/api/v1/flows/:ns/:repo/:name/runs', async (c) => {
    const uri = `${c.req.param('ns')}/${c.req.param('repo')}/${c.req.param('name')}`;
    const stored = store.getFlow(uri);
    if (!stored) throw notFound(`flow ${uri}`);
    const flow = resolveComponents(stored.spec, catalog);
    const number = store.nextRunNumber(uri);
    const runId = runIdOf(uri, number);
    const input: RunInput = { runId, number, flowVersion: stored.version, flow };
    await temporal.workflow.start<typeof runFlow>('runFlow', { taskQueue, workflowId: runId, args: [input] });
    return c.json({ runId, number, flowUri: uri, flowVersion: stored.version }, 201);
  });

  app.get('/api/v1/runs', async (c) => {
    const flow = c.req.query('flow');
    const limit = Math.min(Number(c.req.query('limit') ?? 50) || 50, 500);
    const runs: { runId: string; status: string; startedAt: string; endedAt: string | null }[] = [];
    for await (const wf of temporal.workflow.list({ query: "WorkflowType = 'runFlow'" })) {
      if (flow !== undefined && !wf.workflowId.startsWith(`${flow}#`)) continue;
      runs.push({
        runId: wf.workflowId,
        status: wf.status.name.toLowerCase(),
        startedAt: wf.startTime.toISOString(),
        endedAt: wf.closeTime?.toISOString() ?? null,
      });
      if (runs.length >= limit) break;
    }
    return c.json({ runs });
  });

  const runPath = '/api/v1/runs/:ns/:repo/:name/:number';
  const runIdParam = (c: { req: { param(k: string): string } }): string => {
    const number = Number(c.req.param('number'));
    if (!Number.isInteger(number) || number < 1) throw new ApiError(400, 'bad_run_number', `run number must be a positive integer, got "${c.req.param('number')}"`);
    return runIdOf(`${c.req.param('ns')}/${c.req.param('repo')}/${c.req.param('name')}`, number);
  };

  app.get(runPath, async (c) => c.json(await runStatus(temporal, runIdParam(c))));

  app.get(`${runPath}/logs`, (c) => {
    const runId = runIdParam(c);
    const job = c.req.query('job');
    const after = Number(c.req.query('after') ?? 0);
    const limit = Number(c.req.query('limit') ?? 1000);
    if (!Number.isInteger(after) || after < 0) throw new ApiError(400, 'bad_cursor', '`after` must be a non-negative integer');
    return c.json(store.readLogs({ runId, ...(job ? { jobPath: job } : {}), after, limit }));
  });

  return app;
}

/** The status tree of a run: live from the workflow while it runs, its result once it ended. */
export async function runStatus(temporal: Client, runId: string): Promise<RunStatus> {
  const handle = temporal.workflow.getHandle(runId);
  let desc;
  try {
    desc = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(`run ${runId}`);
    throw err;
  }
  const state = desc.status.name;
  if (state === 'COMPLETED') return (await handle.result()) as RunStatus;
  if (state === 'RUNNING') return handle.query<RunStatus>('status');
  // Terminated, timed out or failed by Temporal itself: no tree was returned.
  throw new ApiError(409, 'run_ended_abnormally', `run ${runId} ended as ${state.toLowerCase()} without a status`);
}
