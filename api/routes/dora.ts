/**
 * `GET /api/v1/metrics/dora` (viewer): the four keys over a window, from
 * deployment and incident records (docs/dora.md).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { DORA_TIERS, type DoraQuery } from '../../contracts/dora.ts';
import { requireRole } from '../auth/index.ts';
import type { RouteModule } from '../context.ts';
import { doraReport } from '../dora.ts';
import { errorResponses } from '../schemas.ts';

const tags = ['metrics'];
const FLOW_URI = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;
const NAME = /^[A-Za-z0-9][\w.-]{0,62}$/;

const DoraQuerySchema = z.object({
  namespace: z.string().regex(NAME).optional().openapi({ example: 'acme' }),
  environment: z.union([z.string(), z.array(z.string())]).optional()
    .openapi({ description: 'environment names, repeated or comma-separated; default: every production-tier environment', example: 'prod' }),
  flow: z.string().regex(FLOW_URI).optional().openapi({ example: 'acme/shop/deploy' }),
  application: z.string().regex(NAME).optional().openapi({ example: 'shop' }),
  since: z.string().optional().openapi({ description: 'ISO 8601 date or date-time with a zone; default: 12 weeks before until', example: '2026-01-05' }),
  until: z.string().optional().openapi({ description: 'ISO 8601; default: now', example: '2026-03-30T00:00:00Z' }),
});

const Tier = z.enum(DORA_TIERS).nullable();
const Value = { value: z.number().nullable(), tier: Tier, samples: z.number().int() };
const DoraReportSchema = z.object({
  since: z.string(),
  until: z.string(),
  environments: z.array(z.string()).readonly(),
  flowUri: z.string().optional(),
  deploymentFrequency: z.object({ ...Value, deployments: z.number().int(), perWeek: z.number().nullable() }).openapi({ description: 'successful deployments per day' }),
  leadTime: z.object({ ...Value, p90Hours: z.number().nullable() }).openapi({ description: 'commit (committer time) to deployed, median hours' }),
  changeFailureRate: z.object({ ...Value, failures: z.number().int() }).openapi({ description: 'share (0–1) of ended deployments that failed, were rolled back or caused an incident' }),
  recoveryTime: z.object(Value).openapi({ description: 'failure or incident to recovery, median hours' }),
  weekly: z.array(z.object({
    weekStart: z.string(),
    deployments: z.number().int(),
    leadTimeMedianHours: z.number().nullable(),
    changeFailureRate: z.number().nullable(),
    recoveryMedianHours: z.number().nullable(),
  })).readonly(),
}).openapi('DoraReport');

/** The query as the dora module takes it: environments from repeats and comma lists. */
export function doraQueryOf(q: z.infer<typeof DoraQuerySchema>): DoraQuery {
  const environments = [q.environment ?? []].flat().flatMap((e) => e.split(',')).map((e) => e.trim()).filter((e) => e !== '');
  return {
    ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
    ...(environments.length === 0 ? {} : { environments: [...new Set(environments)] }),
    ...(q.flow === undefined ? {} : { flowUri: q.flow }),
    ...(q.application === undefined ? {} : { application: q.application }),
    ...(q.since === undefined ? {} : { since: q.since }),
    ...(q.until === undefined ? {} : { until: q.until }),
  };
}

export const doraRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/metrics/dora', tags,
      summary: 'DORA metrics: deployment frequency, lead time, change failure rate, recovery time, with tiers and a weekly series',
      middleware: [requireRole('viewer')] as const,
      request: { query: DoraQuerySchema },
      responses: {
        200: { description: 'the report', content: { 'application/json': { schema: DoraReportSchema } } },
        ...errorResponses(400, 401, 403, 422),
      },
    }),
    async (c) => c.json(await doraReport(deps.store, doraQueryOf(c.req.valid('query')), Date.now()), 200),
  );
};
