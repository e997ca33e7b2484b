/**
 * Incidents: open one (operator), resolve one (operator), list them (viewer).
 * Alertmanager opens and resolves them too (api/routes/alertmanager.ts).
 */
import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../auth/index.ts';
import type { RouteModule } from '../context.ts';
import { notFound } from '../errors.ts';
import { IdParam, Incident, IncidentList, IncidentListQuery, OpenedIncident, OpenIncidentBody, ResolveIncidentBody } from '../deployment-schemas.ts';
import { openIncidentFor } from '../incident-opening.ts';
import { errorResponses } from '../schemas.ts';
import { checkTimeRange } from './runs.ts';

const tags = ['incidents'];
const unprocessable = { 422: { ...errorResponses(422)[422]!, description: 'unknown_environment (not in the namespace\'s environments file) or unknown_deployment' } };

export const incidentRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post', path: '/api/v1/incidents', tags,
      summary: 'Open an incident (operator); without `deployment`, it is linked to the deployment live at `openedAt` (`linkedBy` says which)',
      middleware: [requireRole('operator')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: OpenIncidentBody } } } },
      responses: {
        201: { description: 'opened', content: { 'application/json': { schema: OpenedIncident } } },
        ...errorResponses(400, 401, 403), ...unprocessable,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { incident, linkedBy } = await openIncidentFor(deps.store, {
        ...body, openedAt: body.openedAt ?? new Date().toISOString(), source: 'api', openedBy: c.get('actor').user,
      });
      return c.json({ ...incident, linkedBy }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/v1/incidents/{id}/resolve', tags, summary: 'Resolve an incident (operator); resolving a resolved one changes nothing',
      middleware: [requireRole('operator')] as const,
      request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: ResolveIncidentBody } } } },
      responses: { 200: { description: 'the incident, resolved', content: { 'application/json': { schema: Incident } } }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const resolvedAt = c.req.valid('json')?.resolvedAt ?? new Date().toISOString();
      const incident = await deps.store.resolveIncident(id, resolvedAt);
      if (incident === undefined) throw notFound(`incident ${id}`);
      return c.json(incident, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/incidents', tags,
      summary: 'Incidents, newest first; `since`/`until` keep those open at some time between them',
      request: { query: IncidentListQuery },
      responses: { 200: { description: 'incidents', content: { 'application/json': { schema: IncidentList } } }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { open, ...filter } = c.req.valid('query');
      checkTimeRange(filter);
      const incidents = await deps.store.listIncidents({ ...filter, ...(open === undefined ? {} : { open: open === 'true' }) });
      return c.json({ incidents }, 200);
    },
  );
};
