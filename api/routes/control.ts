/**
 * Steering a run (operator): pause, resume, cancel, approve, reject, re-run.
 * The logic lives in `runs/control.ts`; this file is the HTTP surface.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../auth/index.ts';
import type { RouteModule } from '../context.ts';
import { parseJsonBody } from '../json-body.ts';
import { RunParams, errorResponses } from '../schemas.ts';
import { cancelRun, decide, pauseRun, rerun, resumeRun } from '../../runs/control.ts';
import { runIdFromParams as runId } from './runs.ts';

const tags = ['run control'];
const CommentSchema = z.object({ comment: z.string().max(4096).optional() });
const CommentBody = {
  required: false,
  content: { 'application/json': { schema: CommentSchema.openapi('Comment') } },
};
const Accepted = z.object({ runId: z.string(), accepted: z.literal(true) }).openapi('Accepted');
const acceptedResponse = { 202: { description: 'accepted: the run acts on it', content: { 'application/json': { schema: Accepted } } } };

/** The optional `{ "comment" }` body. */
async function comment(req: { text(): Promise<string> }): Promise<string | undefined> {
  return parseJsonBody(await req.text(), CommentSchema, '{ "comment": "…" }').comment;
}

export const controlRoutes: RouteModule = (app, deps) => {
  const runPath = '/api/v1/runs/{ns}/{repo}/{name}/{number}';

  for (const [verb, act, summary] of [
    ['pause', pauseRun, 'Pause a run: running jobs finish, no new job starts'],
    ['resume', resumeRun, 'Resume a paused run'],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post', path: `${runPath}/${verb}`, tags, summary,
        middleware: [requireRole('operator')] as const,
        request: { params: RunParams, body: CommentBody },
        responses: { ...acceptedResponse, ...errorResponses(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const id = runId(c.req.valid('param'));
        await act(deps.runs, id, c.get('actor'), await comment(c.req));
        return c.json({ runId: id, accepted: true as const }, 202);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'post', path: `${runPath}/cancel`, tags, summary: 'Cancel a run: containers stopped, end jobs run, the run ends cancelled',
      middleware: [requireRole('operator')] as const,
      request: { params: RunParams },
      responses: { ...acceptedResponse, ...errorResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const id = runId(c.req.valid('param'));
      await cancelRun(deps.runs, id);
      return c.json({ runId: id, accepted: true as const }, 202);
    },
  );

  for (const verb of ['approve', 'reject'] as const) {
    app.openapi(
      createRoute({
        method: 'post', path: `${runPath}/stages/{stage}/${verb}`, tags,
        summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a waiting approval gate, as the token's user`,
        middleware: [requireRole('operator')] as const,
        request: { params: RunParams.extend({ stage: z.string().min(1) }), body: CommentBody },
        responses: { ...acceptedResponse, ...errorResponses(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const id = runId(params);
        const note = await comment(c.req);
        await decide(deps.runs, id, { stage: params.stage, approve: verb === 'approve', actor: c.get('actor'), ...(note === undefined ? {} : { comment: note }) });
        return c.json({ runId: id, accepted: true as const }, 202);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'post', path: `${runPath}/rerun`, tags,
      summary: 'Re-run an ended run from its first failed job (reusing what succeeded); ?full=true runs everything',
      middleware: [requireRole('operator')] as const,
      request: { params: RunParams, query: z.object({ full: z.enum(['true', 'false']).optional() }) },
      responses: {
        201: {
          description: 'the new run',
          content: { 'application/json': { schema: z.object({ runId: z.string(), number: z.number().int(), rerunOf: z.string(), reused: z.array(z.string()) }).openapi('Rerun') } },
        },
        ...errorResponses(401, 403, 404, 409),
      },
    }),
    async (c) => {
      const id = runId(c.req.valid('param'));
      const r = await rerun(deps.runs, id, c.get('actor'), c.req.valid('query').full === 'true');
      return c.json({ ...r, reused: [...r.reused] }, 201);
    },
  );
};
