/**
 * Runs: start one (operator), list them from Temporal visibility with
 * filters and a cursor, read one's stage/job tree.
 */
import { createRoute } from '@hono/zod-openapi';
import { runIdOf } from '../../contracts/run-id.ts';
import { runStatus } from '../../runs/read-run.ts';
import type { ReportRequest } from '../../runs/report-target.ts';
import { startRun } from '../../runs/start.ts';
import { requireRole } from '../auth/index.ts';
import type { RouteModule } from '../context.ts';
import { ApiError } from '../errors.ts';
import { listRuns } from '../run-list.ts';
import { FlowParams, RunList, RunListQuery, RunParams, RunStatus as RunStatusSchema, StartRunBody, StartedRun, errorResponses } from '../schemas.ts';

const tags = ['runs'];

/** The run id of a `{ns}/{repo}/{name}/{number}` path. */
export function runIdFromParams(p: { ns: string; repo: string; name: string; number: number }): string {
  return runIdOf(`${p.ns}/${p.repo}/${p.name}`, p.number);
}

/** `since` must come before `until` (400 bad_time_range). */
export function checkTimeRange(filter: { since?: string; until?: string }): void {
  if (filter.since && filter.until && Date.parse(filter.since) >= Date.parse(filter.until)) {
    throw new ApiError('bad_time_range', '`since` must be before `until`');
  }
}

/** `commit` and `repo` of a start body: both or neither. */
function manualReport(body: { commit?: string; repo?: string }, pageBase: string): ReportRequest {
  if (body.commit === undefined || body.repo === undefined) throw new ApiError('invalid_report', 'give both `commit` and `repo` (FORGE:OWNER/NAME) to report commit statuses, or neither');
  return { from: 'manual', commit: body.commit, repo: body.repo, pageBase };
}

export const runRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post', path: '/api/v1/flows/{ns}/{repo}/{name}/runs', tags,
      summary: 'Start a run (operator): pins the latest flow version, with the flow inputs given (422 invalid_inputs when they do not fit); 409 past a `reject` concurrency limit',
      middleware: [requireRole('operator')] as const,
      request: { params: FlowParams, body: { content: { 'application/json': { schema: StartRunBody } }, required: false } },
      responses: { 201: { description: 'started', content: { 'application/json': { schema: StartedRun } } }, ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { ns, repo, name } = c.req.valid('param');
      const actor = c.get('actor');
      // The comment says why the run was started: expressions read it as `trigger.message`.
      const body = c.req.valid('json');
      const comment = body?.comment;
      const trigger = { kind: 'manual', event: 'manual', actor: actor.user, ...(comment ? { message: comment } : {}) } as const;
      // Inputs are checked against the flow's before anything starts (422 invalid_inputs).
      // A commit and repository to report on (400 invalid_report when the flow cannot): also what `trigger` says.
      const report = body?.commit === undefined && body?.repo === undefined ? undefined : manualReport(body, deps.publicUrl ?? new URL(c.req.url).origin);
      const withCommit = report === undefined ? trigger : { ...trigger, commit: report.commit.toLowerCase(), repo: { fullName: report.repo.slice(report.repo.indexOf(':') + 1) } };
      const started = await startRun(deps.runs, { uri: `${ns}/${repo}/${name}`, trigger: withCommit, ...(body?.inputs ? { inputs: body.inputs } : {}), ...(report ? { report } : {}) });
      return c.json(started, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/runs', tags, summary: 'Runs, newest first, filtered (Temporal visibility; a run shows up within a second or so of starting)',
      request: { query: RunListQuery },
      responses: { 200: { description: 'a page of runs', content: { 'application/json': { schema: RunList } } }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      checkTimeRange(filter);
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
