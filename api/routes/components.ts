/** The component catalog: list and get (`library/shell`, newest version first). */
import { createRoute, z } from '@hono/zod-openapi';
import { compareVersions, type ComponentEntry } from '../../components/catalog.ts';
import type { RouteModule } from '../context.ts';
import { notFound } from '../errors.ts';
import { Component, errorResponses } from '../schemas.ts';

const tags = ['components'];

export const componentRoutes: RouteModule = (app, { catalog }) => {
  const entry = (e: ComponentEntry) => ({
    ...e,
    inputs: e.inputs.map((i) => ({ ...i })),
    outputs: e.outputs.map((o) => ({ ...o })),
    resources: { ...e.resources },
    ...(e.retries ? { retries: { ...e.retries } } : {}),
  });

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/components', tags, summary: 'Every component of the catalog',
      responses: { 200: { description: 'components', content: { 'application/json': { schema: z.object({ components: z.array(Component) }) } } }, ...errorResponses(401) },
    }),
    (c) => c.json({ components: catalog.list().map(entry) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/components/{namespace}/{name}', tags, summary: 'Every version of one component, newest first',
      request: { params: z.object({ namespace: z.string().openapi({ example: 'library' }), name: z.string().openapi({ example: 'shell' }) }) },
      responses: { 200: { description: 'versions', content: { 'application/json': { schema: z.object({ versions: z.array(Component) }) } } }, ...errorResponses(401, 404) },
    }),
    (c) => {
      const { namespace, name } = c.req.valid('param');
      const versions = catalog.list().filter((e) => e.namespace === namespace && e.name === name).map(entry)
        .sort((a, b) => compareVersions(b.version, a.version));
      if (versions.length === 0) throw notFound(`component ${namespace}/${name}`);
      return c.json({ versions }, 200);
    },
  );
};
