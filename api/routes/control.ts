/**
 * Steering a run (operator): pause, resume, cancel, approve, reject, re-run.
 * The logic lives in `api/run-control.ts`; this file is the HTTP surface.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../auth/index.ts';
import type { RouteModule } from '../context.ts';
import { RunParams, errorResponses } from '../schemas.ts';
import { cancelRun, decide, pauseRun, rerun, resumeRun } from '../run-control.ts';
import { runIdFromParams as runId } from './runs.ts';

const tags = ['run control'];
const CommentBody = {
  required: false,
  content: { 'application/json': { schema: z.object({ comment: z.string().max(4096).optional() }).openapi('Comment') } },
};
const Accepted = z.object({ runId: z.string(), accepted: z.literal(true) }).openapi('Accepted');
const acceptedResponse = { 202: { description: 'accepted: the run acts on it', content: { 'application/json': { schema: Accepted } } } };

async function comment(req: { text(): Promise<string> }): Promise<string | undefined> {
  const text = await req.text();
  if (text.trim() === '') return undefined;
  const parsed = z.object({ comment: z.string().max(4096).optional() }).safeParse(JSON.parse(text));
  return parsed.success ? parsed.data.comment : undefined;
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
        responses: { ...acceptedResponse, ...errorResponses(401, 403, 404, 409) },
      }),
      async (c) => {
        const id = runId(c.req.valid('param'));
        await act(deps, id, c.get('actor'), await comment(c.req));
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
      await cancelRun(deps, id);
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
        responses: { ...acceptedResponse, ...errorResponses(401, 403, 404, 409) },
      }),
      async (c) => {
        const params = c.req.valid('param');
        const id = runId(params);
        await decide(deps, id, params.stage, verb === 'approve', c.get('actor'), await comment(c.req));
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
      const r = await rerun(deps, id, c.get('actor'), c.req.valid('query').full === 'true');
      return c.json({ ...r, reused: [...r.reused] }, 201);
    },
  );
};
