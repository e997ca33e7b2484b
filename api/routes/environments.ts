/**
 * Environments files (issue 13, docs/deploy-jobs.md): validate, apply (admin;
 * a new version when the source changed), list, get. The body is the file's
 * YAML, as for flows; the file's `namespace:` must be the path's.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { JSONValue } from 'hono/utils/types';
import type { StoredEnvironments } from '../../contracts/environments.ts';
import { parseEnvironments } from '../../flow/parse-environments.ts';
import { requireRole } from '../auth/index.ts';
import type { RouteModule } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { errorResponses } from '../schemas.ts';

const tags = ['environments'];
const Issue = z.object({ path: z.string(), line: z.number().int(), column: z.number().int(), message: z.string() });
const EnvironmentsBody = {
  content: { 'application/yaml': { schema: z.string().openapi({ description: 'an environments file (docs/deploy-jobs.md)' }) } },
  required: true,
} as const;
const NamespaceParam = z.object({
  namespace: z.string().regex(/^[A-Za-z0-9][\w.-]*$/).openapi({ param: { name: 'namespace', in: 'path' }, example: 'acme' }),
});
const Stored = z
  .object({
    namespace: z.string(), version: z.number().int(), source: z.string(), createdAt: z.string(),
    spec: z.record(z.string(), z.unknown()).openapi({ description: 'the parsed file (contracts/environments.ts EnvironmentsSpec)' }),
  })
  .openapi('Environments');
const Applied = z
  .object({ namespace: z.string(), version: z.number().int(), created: z.boolean(), warnings: z.array(Issue) })
  .openapi('AppliedEnvironments');

async function body(req: { text(): Promise<string> }): Promise<string> {
  const text = await req.text();
  if (text.trim() === '') throw new ApiError('empty_body', 'the request body must be an environments file in YAML');
  return text;
}

const json = (stored: StoredEnvironments): z.infer<typeof Stored> => ({ ...stored, spec: stored.spec as unknown as Record<string, JSONValue> });

export const environmentRoutes: RouteModule = (app, { store }) => {
  app.openapi(
    createRoute({
      method: 'post', path: '/api/v1/environments/validate', tags, summary: 'Validate an environments file without storing it',
      request: { body: EnvironmentsBody },
      responses: {
        200: { description: 'valid', content: { 'application/json': { schema: z.object({ valid: z.literal(true), namespace: z.string(), warnings: z.array(Issue) }) } } },
        ...errorResponses(400, 401, 422),
      },
    }),
    async (c) => {
      const { spec, warnings } = parseEnvironments(await body(c.req));
      return c.json({ valid: true as const, namespace: spec.namespace, warnings: [...warnings] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put', path: '/api/v1/environments/{namespace}', tags, summary: 'Apply a namespace\'s environments file (admin): a new version when it changed',
      middleware: [requireRole('admin')] as const,
      request: { params: NamespaceParam, body: EnvironmentsBody },
      responses: {
        201: { description: 'a new version', content: { 'application/json': { schema: Applied } } },
        200: { description: 'unchanged', content: { 'application/json': { schema: Applied } } },
        ...errorResponses(400, 401, 403, 422),
      },
    }),
    async (c) => {
      const { namespace } = c.req.valid('param');
      const source = await body(c.req);
      const { spec, warnings } = parseEnvironments(source, { namespace });
      const { stored, created } = await store.applyEnvironments(spec, source);
      return c.json({ namespace, version: stored.version, created, warnings: [...warnings] }, created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/environments', tags, summary: 'Every namespace\'s environments file (latest versions)',
      responses: {
        200: { description: 'by namespace', content: { 'application/json': { schema: z.object({ environments: z.array(Stored) }) } } },
        ...errorResponses(401),
      },
    }),
    async (c) => c.json({ environments: (await store.listEnvironments()).map(json) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/environments/{namespace}', tags, summary: 'A namespace\'s environments file (latest version)',
      request: { params: NamespaceParam },
      responses: { 200: { description: 'the file', content: { 'application/json': { schema: Stored } } }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { namespace } = c.req.valid('param');
      const stored = await store.getEnvironments(namespace);
      if (stored === undefined) throw notFound(`environments of namespace ${namespace}`);
      return c.json(json(stored), 200);
    },
  );
};
