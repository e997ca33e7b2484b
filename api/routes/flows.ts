/**
 * Flows: validate, apply (a new version when the source changed; schedules
 * synced), list, get, versions.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { JSONValue } from 'hono/utils/types';
import { parseFlowForNamespace } from '../flow-environments.ts';
import type { FlowSpec } from '../../flow/model.ts';
import { inlinePodTemplates } from '../../flow/template-refs.ts';
import { fetchPodTemplate } from '../fetch-template.ts';
import { resolveComponents } from '../../components/catalog.ts';
import { requireRole } from '../auth/index.ts';
import type { ApiApp, ApiDeps, RouteModule } from '../context.ts';
import { FlowNotFoundError } from '../../runs/errors.ts';
import { ApiError } from '../errors.ts';
import { AppliedFlow, Cursor, FlowParams, FlowSummary, FlowVersion, Limit, StoredFlow, Validation, YamlBody, errorResponses } from '../schemas.ts';
import { syncSchedules } from '../schedules.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';

/**
 * The request's flow, made self-contained: a job's `kubectl:` URL is fetched
 * and its manifest written into the flow; a path is refused (422 naming the job
 * and the path), since the API cannot read the caller's files.
 */
async function flowText(req: { text(): Promise<string> }): Promise<string> {
  const text = await req.text();
  if (text.trim() === '') throw new ApiError('empty_body', 'the request body must be a flow in YAML');
  return inlinePodTemplates(text, async (ref) => {
    if (ref.kind === 'url') return fetchPodTemplate(ref.url);
    throw new Error('is a path, and the API cannot read files: send the manifest inline or an http(s) URL (coflow apply reads paths relative to the flow file)');
  });
}

const tags = ['flows'];

/** A flow's declared inputs as JSON ({} when none). */
function declaredInputs(spec: FlowSpec): Record<string, { description?: string; default?: string; required: boolean; options?: string[] }> {
  return Object.fromEntries(Object.entries(spec.inputs ?? {}).map(([name, { options, ...rest }]) => [name, { ...rest, ...(options ? { options: [...options] } : {}) }]));
}

/** Validate and apply (write) routes. */
function flowWriteRoutes(app: ApiApp, deps: ApiDeps): void {
  const { store, catalog } = deps;

  app.openapi(
    createRoute({
      method: 'post', path: '/api/v1/flows/validate', tags, summary: 'Validate a flow without storing it',
      request: { body: YamlBody },
      responses: { 200: { description: 'valid', content: { 'application/json': { schema: Validation } } }, ...errorResponses(400, 401, 422) },
    }),
    async (c) => {
      const { flow, warnings } = await parseFlowForNamespace(store, await flowText(c.req));
      resolveComponents(flow, catalog);
      return c.json({ valid: true as const, uri: flow.uri, warnings: [...warnings] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/v1/flows', tags, summary: 'Apply a flow (admin): a new version when it changed; schedules follow',
      middleware: [requireRole('admin')] as const,
      request: { body: YamlBody },
      responses: {
        201: { description: 'a new version', content: { 'application/json': { schema: AppliedFlow } } },
        200: { description: 'unchanged', content: { 'application/json': { schema: AppliedFlow } } },
        ...errorResponses(400, 401, 403, 422),
      },
    }),
    async (c) => {
      const source = await flowText(c.req);
      const { flow: spec, warnings } = await parseFlowForNamespace(store, source);
      resolveComponents(spec, catalog); // unknown components are rejected before anything is stored
      const { flow, created } = await store.applyFlow(spec, source);
      // Every apply syncs, changed or not: an apply heals schedules a failure left behind.
      const schedules = await syncSchedules(deps, flow.spec);
      return c.json({ uri: flow.uri, warnings: [...warnings], version: flow.version, created, schedules }, created ? 201 : 200);
    },
  );
}

/** Read routes: list, get, versions. */
function flowReadRoutes(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/flows', tags, summary: 'List flows (latest versions), by uri',
      request: { query: z.object({ limit: Limit(500, 100), cursor: Cursor }) },
      responses: {
        200: { description: 'a page of flows', content: { 'application/json': { schema: z.object({ flows: z.array(FlowSummary), next: z.string().nullable() }) } } },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = cursor === undefined ? '' : decodeCursor(cursor);
      const all = (await store.listFlows()).filter((f) => f.uri > after);
      const page = all.slice(0, limit);
      const next = all.length > limit ? encodeCursor(page[page.length - 1]!.uri) : null;
      return c.json({ flows: page.map((f) => ({ uri: f.uri, version: f.version, title: f.spec.title ?? null, createdAt: f.createdAt, inputs: declaredInputs(f.spec) })), next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/flows/{ns}/{repo}/{name}', tags, summary: 'A flow: latest version, or ?version=N',
      request: { params: FlowParams, query: z.object({ version: z.coerce.number().int().min(1).optional() }) },
      responses: { 200: { description: 'the flow', content: { 'application/json': { schema: StoredFlow } } }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { ns, repo, name } = c.req.valid('param');
      const { version } = c.req.valid('query');
      const uri = `${ns}/${repo}/${name}`;
      const flow = await store.getFlow(uri, version);
      if (!flow) throw new FlowNotFoundError(uri, version);
      // The model's readonly arrays are JSON all the same.
      return c.json({ ...flow, spec: flow.spec as unknown as Record<string, JSONValue> }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/flows/{ns}/{repo}/{name}/versions', tags, summary: 'Every version of a flow',
      request: { params: FlowParams },
      responses: {
        200: { description: 'versions, oldest first', content: { 'application/json': { schema: z.object({ uri: z.string(), versions: z.array(FlowVersion) }) } } },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const { ns, repo, name } = c.req.valid('param');
      const uri = `${ns}/${repo}/${name}`;
      const versions = await store.flowVersions(uri);
      if (versions.length === 0) throw new FlowNotFoundError(uri);
      return c.json({ uri, versions }, 200);
    },
  );
}

export const flowRoutes: RouteModule = (app, deps) => {
  flowWriteRoutes(app, deps);
  flowReadRoutes(app, deps);
};
