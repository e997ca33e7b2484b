/**
 * Secrets in the store (admin): set, list names, delete. Values go in and
 * are never given back: jobs read them as `${{ secrets.NAME }}`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { SECRET_NAME } from '../../contracts/secrets.ts';
import type { SecretVault } from '../../store/secrets.ts';
import { requireRole } from '../auth/index.ts';
import type { ApiDeps, RouteModule } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { errorResponses } from '../schemas.ts';

const tags = ['secrets'];
const NameParam = z.object({
  name: z.string().regex(SECRET_NAME, 'letters, digits and _, not starting with a digit').openapi({ param: { name: 'name', in: 'path' }, example: 'SLACK_URL' }),
});

function vaultOf(deps: ApiDeps): SecretVault {
  if (!deps.secrets) throw new ApiError('no_secret_store', 'this API server has no secret store: secrets come from COFLOW_SECRET_<NAME> or COFLOW_SECRETS_FILE');
  return deps.secrets;
}

export const secretRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/secrets', tags, summary: 'Names of the stored secrets (never their values)',
      middleware: [requireRole('admin')] as const,
      responses: {
        200: { description: 'names', content: { 'application/json': { schema: z.object({ secrets: z.array(z.object({ name: z.string() })) }) } } },
        ...errorResponses(401, 403, 409),
      },
    }),
    async (c) => c.json({ secrets: (await vaultOf(deps).names()).map((name) => ({ name })) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'put', path: '/api/v1/secrets/{name}', tags, summary: 'Store a secret (encrypted at rest); replaces an earlier value',
      middleware: [requireRole('admin')] as const,
      request: {
        params: NameParam,
        body: { required: true, content: { 'application/json': { schema: z.object({ value: z.string().min(1).max(65_536) }).openapi('SecretValue') } } },
      },
      responses: { 204: { description: 'stored' }, ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      await vaultOf(deps).set(c.req.valid('param').name, c.req.valid('json').value);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/api/v1/secrets/{name}', tags, summary: 'Delete a stored secret',
      middleware: [requireRole('admin')] as const,
      request: { params: NameParam },
      responses: { 204: { description: 'deleted' }, ...errorResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      if (!(await vaultOf(deps).delete(name))) throw notFound(`secret ${name}`);
      return c.body(null, 204);
    },
  );
};
