/**
 * Runs: start one (operator), list them from Temporal visibility with
 * filters and a cursor, read one's stage/job tree.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { runIdOf } from '../../store/run-input.ts';
import type { RunStatus } from '../../workflows/status.ts';
import { requireRole } from '../auth/index.ts';
import type { ApiDeps, RouteModule } from '../context.ts';
import { RUN_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.ts';
import { ApiError, notFound } from '../errors.ts';
import { listRuns } from '../run-list.ts';
import { FlowParams, RunList, RunParams, RunQuery, RunStatus as RunStatusSchema, StartRunBody, StartedRun, errorResponses } from '../schemas.ts';
import { startRun } from '../start-run.ts';

const tags = ['runs'];

/** The run id of a `{ns}/{repo}/{name}/{number}` path. */
export function runIdFromParams(p: { ns: string; repo: string; name: string; number: number }): string {
  return runIdOf(`${p.ns}/${p.repo}/${p.name}`, p.number);
}

/**
 * A flow whose `concurrency.onLimit` is `reject` answers a manual start past
 * its limit with 409 at once. The run workflow checks again when it starts
 * (the authority, for webhooks and schedules too): two starts racing past
 * this check still end with one of them rejected.
 */
async function refuseOverLimit(deps: ApiDeps, uri: string): Promise<void> {
  const limit = deps.store.getFlow(uri)?.spec.concurrency;
  if (limit?.onLimit !== 'reject') return;
  const { count } = await deps.temporal.workflow.count(`${RUN_SEARCH_ATTRIBUTES.flow.name} = '${uri}' AND ExecutionStatus = 'Running'`);
  if (count >= limit.max) {
    throw new ApiError(409, 'concurrency_limit', `${count} runs of ${uri} are open and its concurrency allows ${limit.max} (onLimit: reject)`, { open: count, max: limit.max });
  }
}

export const runRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post', path: '/api/v1/flows/{ns}/{repo}/{name}/runs', tags, summary: 'Start a run (operator): pins the latest flow version',
      middleware: [requireRole('operator')] as const,
      request: { params: FlowParams, body: { content: { 'application/json': { schema: StartRunBody } }, required: false } },
      responses: { 201: { description: 'started', content: { 'application/json': { schema: StartedRun } } }, ...errorResponses(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { ns, repo, name } = c.req.valid('param');
      const actor = c.get('actor');
      await refuseOverLimit(deps, `${ns}/${repo}/${name}`);
      const started = await startRun(deps, { uri: `${ns}/${repo}/${name}`, trigger: { kind: 'manual', event: 'manual', actor: actor.user } });
      return c.json(started, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/runs', tags, summary: 'Runs, newest first, filtered (Temporal visibility; a run shows up within a second or so of starting)',
      request: {
        query: RunQuery.extend({
          flow: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/).optional().openapi({ example: 'acme/shop/ci' }),
          branch: z.string().regex(/^[^'"\\\s]{1,255}$/).optional().openapi({ example: 'main' }),
        }),
      },
      responses: { 200: { description: 'a page of runs', content: { 'application/json': { schema: RunList } } }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      if (filter.since && filter.until && Date.parse(filter.since) >= Date.parse(filter.until)) {
        throw new ApiError(400, 'bad_time_range', '`since` must be before `until`');
      }
      return c.json(await listRuns(deps.temporal, deps.namespace, filter, limit, cursor), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/runs/{ns}/{repo}/{name}/{number}', tags, summary: 'A run\'s stage/action/job tree (live while it runs)',
      request: { params: RunParams },
      responses: { 200: { description: 'the tree', content: { 'application/json': { schema: RunStatusSchema } } }, ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => c.json(await runStatus(deps.temporal, runIdFromParams(c.req.valid('param'))), 200),
  );
};

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
