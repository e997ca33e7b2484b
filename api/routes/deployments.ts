/** Deployment records (viewer): a filtered list, newest first, paged by id; one record with its manifest. */
import { createRoute } from '@hono/zod-openapi';
import type { DeploymentRecord } from '../../contracts/deployments.ts';
import type { RouteModule } from '../context.ts';
import { notFound } from '../errors.ts';
import { DeploymentList, DeploymentListQuery, DeploymentRecord as DeploymentSchema, IdParam } from '../deployment-schemas.ts';
import { errorResponses } from '../schemas.ts';
import { checkTimeRange } from './runs.ts';

const tags = ['deployments'];

/** A record without its manifest (lists stay small; GET /deployments/{id} has it). */
function summary({ manifest: _manifest, ...rest }: DeploymentRecord): Omit<DeploymentRecord, 'manifest'> {
  return rest;
}

export const deploymentRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/deployments', tags,
      summary: 'Deployment records, newest first (without manifests), filtered; `next` pages to older ones',
      request: { query: DeploymentListQuery },
      responses: { 200: { description: 'a page of deployments', content: { 'application/json': { schema: DeploymentList } } }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { flow, before, limit, ...filter } = c.req.valid('query');
      checkTimeRange(filter);
      const page = await deps.store.listDeployments({
        ...filter, limit, ...(flow === undefined ? {} : { flowUri: flow }), ...(before === undefined ? {} : { beforeId: before }),
      });
      const next = page.length === limit ? page.at(-1)!.id : null;
      return c.json({ deployments: page.map(summary), next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/deployments/{id}', tags, summary: 'One deployment record, with the manifest it applied',
      request: { params: IdParam },
      responses: { 200: { description: 'the record', content: { 'application/json': { schema: DeploymentSchema } } }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const record = await deps.store.getDeployment(id);
      if (record === undefined) throw notFound(`deployment ${id}`);
      return c.json(record, 200);
    },
  );
};
