/**
 * Acting on deployments (operator, issue 13): a rollback by hand, and the
 * approval of a canary step a deploy job waits on. The logic lives in
 * `runs/deployments.ts`; this file is the HTTP surface.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../auth/index.ts';
import type { RouteModule } from '../context.ts';
import { parseJsonBody } from '../json-body.ts';
import { RunParams, errorResponses } from '../schemas.ts';
import { decideCanary, startRollback } from '../../runs/deployments.ts';
import { runIdFromParams as runId } from './runs.ts';

const RollbackBody = z.object({ timeoutMs: z.number().int().min(0).max(86_400_000).optional() }).strict();
const CanaryBody = z.object({ job: z.string().min(1), comment: z.string().max(4096).optional() }).strict();

export const deployControlRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post', path: '/api/v1/deployments/{id}/rollback', tags: ['deployments'],
      summary: "Roll back to this deployment: re-apply its stored manifest to its environment (the pair's live deployment is the one undone)",
      middleware: [requireRole('operator')] as const,
      request: {
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: { required: false, content: { 'application/json': { schema: RollbackBody.openapi('RollbackRequest') } } },
      },
      responses: {
        202: {
          description: "started: `deploymentId` is the rollback's record (result running), null while it still waits for the pair's deployment queue",
          content: { 'application/json': { schema: z.object({ deploymentId: z.number().int().nullable(), workflowId: z.string(), restores: z.number().int() }).openapi('RollbackStarted') } },
        },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const text = await c.req.text();
      const body = text.trim() === '' ? {} : parseJsonBody(text, RollbackBody, '{ "timeoutMs": 120000 }');
      const started = await startRollback(deps, id, c.get('actor'), body.timeoutMs ?? 0);
      return c.json({ ...started, restores: id }, 202);
    },
  );

  for (const verb of ['approve', 'reject'] as const) {
    app.openapi(
      createRoute({
        method: 'post', path: `/api/v1/runs/{ns}/{repo}/{name}/{number}/canary/${verb}`, tags: ['run control'],
        summary: `${verb === 'approve' ? 'Approve' : 'Reject (and abort)'} the canary step a deploy job waits on, as the token's user (the environment's approvers, else any operator)`,
        middleware: [requireRole('operator')] as const,
        request: { params: RunParams, body: { required: true, content: { 'application/json': { schema: CanaryBody.openapi('CanaryDecision') } } } },
        responses: {
          202: { description: 'accepted: the job acts on it', content: { 'application/json': { schema: z.object({ runId: z.string(), job: z.string(), step: z.number().int() }) } } },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      }),
      async (c) => {
        const id = runId(c.req.valid('param'));
        const body = parseJsonBody(await c.req.text(), CanaryBody, '{ "job": "stage.action.job", "comment": "…" }');
        const step = await decideCanary(deps, id, { job: body.job, approve: verb === 'approve', actor: c.get('actor'), ...(body.comment ? { comment: body.comment } : {}) });
        return c.json({ runId: id, job: body.job, step }, 202);
      },
    );
  }
};
