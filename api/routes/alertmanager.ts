/**
 * Alertmanager's receiver: `POST /hooks/alertmanager/{namespace}`. Alertmanager
 * sends its bearer token (`http_config.authorization.credentials`), which must
 * equal the stored secret the namespace's environments file names in
 * `alerts.tokenSecret`. A firing alert opens an incident (one per fingerprint
 * while open), a resolved one resolves it; each alert's outcome is in the
 * answer, those coflow cannot place (no `environment` label, an unknown one)
 * acknowledged as skipped so that Alertmanager does not send them again.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { EnvironmentsSpec } from '../../contracts/environments.ts';
import type { ApiDeps, RouteModule } from '../context.ts';
import { AlertmanagerAnswer } from '../deployment-schemas.ts';
import { ApiError } from '../errors.ts';
import { openIncidentFor } from '../incident-opening.ts';
import { errorResponses } from '../schemas.ts';
import { alertTime, AlertmanagerPayload, bearerMatches, type AlertmanagerAlert } from '../webhooks/alertmanager.ts';

type AlertResult = z.infer<typeof AlertmanagerAnswer>['alerts'][number];

/** The namespace's environments, once its token is checked; 404 without an alerts receiver, 401 for a bad token. */
async function authorised(deps: ApiDeps, namespace: string, authorization: string | undefined): Promise<EnvironmentsSpec> {
  const stored = await deps.store.getEnvironments(namespace);
  const tokenSecret = stored?.spec.alerts?.tokenSecret;
  if (stored === undefined || tokenSecret === undefined) {
    throw new ApiError('not_found', `namespace ${namespace} has no Alertmanager receiver: its environments file needs alerts.tokenSecret`);
  }
  const secret = await deps.resolveSecret(tokenSecret);
  if (secret === undefined || secret === '') {
    console.error(`coflow api: alertmanager receiver of ${namespace}: secret ${tokenSecret} is not set; every notification is refused`);
  }
  if (!secret || !bearerMatches(secret, authorization)) {
    throw new ApiError('unauthorized', `the bearer token is not the alerts token of namespace ${namespace}`);
  }
  return stored.spec;
}

function readPayload(text: string): AlertmanagerPayload {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('bad_payload', 'an Alertmanager notification must be JSON');
  }
  const parsed = AlertmanagerPayload.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ApiError('bad_payload', `not an Alertmanager (version 4) notification: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`, { issues });
  }
  return parsed.data;
}

async function handleAlert(deps: ApiDeps, spec: EnvironmentsSpec, alert: AlertmanagerAlert): Promise<AlertResult> {
  const fingerprint = alert.fingerprint ?? null;
  const skipped = (reason: string): AlertResult => ({ fingerprint, result: 'skipped', reason });
  if (fingerprint === null) return skipped('the alert has no fingerprint');
  const environment = alert.labels['environment'];
  if (environment === undefined || environment === '') return skipped('the alert has no `environment` label');
  if (!spec.environments.some((e) => e.name === environment)) return skipped(`namespace ${spec.namespace} has no environment "${environment}"`);

  if (alert.status === 'resolved') {
    const resolved = await deps.store.resolveIncidentByKey(spec.namespace, fingerprint, alertTime(alert.endsAt) ?? new Date().toISOString());
    return resolved === undefined ? { fingerprint, result: 'not open' } : { fingerprint, result: 'resolved', incident: resolved.id };
  }
  const label = alert.labels['coflow_deployment'];
  const deployment = label !== undefined && /^[1-9]\d{0,9}$/.test(label) ? Number(label) : undefined;
  if (label !== undefined && deployment === undefined) return skipped(`label coflow_deployment "${label}" is not a deployment id`);
  const application = alert.labels['application'];
  const opened = await openIncidentFor(deps.store, {
    namespace: spec.namespace, environment, title: alert.annotations['summary'] ?? alert.labels['alertname'] ?? 'alert',
    openedAt: alertTime(alert.startsAt) ?? new Date().toISOString(), source: 'alertmanager', externalKey: fingerprint, openedBy: 'alertmanager',
    ...(application ? { application } : {}), ...(deployment === undefined ? {} : { deployment }),
  }).catch((err: unknown) => {
    if (err instanceof ApiError && err.code === 'unknown_deployment') return err;
    throw err;
  });
  if (opened instanceof ApiError) return skipped(opened.message);
  // An incident already open keeps the link it was opened with.
  return opened.created
    ? { fingerprint, result: 'opened', incident: opened.incident.id, linkedBy: opened.linkedBy }
    : { fingerprint, result: 'already open', incident: opened.incident.id };
}

export const alertmanagerRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post', path: '/hooks/alertmanager/{namespace}', tags: ['webhooks'],
      summary: 'Alertmanager notifications (webhook version 4), with the namespace\'s alerts token as bearer: firing alerts open incidents, resolved ones resolve them',
      security: [],
      request: { params: z.object({ namespace: z.string().min(1).max(200).openapi({ param: { name: 'namespace', in: 'path' }, example: 'acme' }) }) },
      responses: {
        200: { description: 'every alert\'s outcome (skipped ones say why)', content: { 'application/json': { schema: AlertmanagerAnswer } } },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { namespace } = c.req.valid('param');
      const spec = await authorised(deps, namespace, c.req.header('authorization'));
      const payload = readPayload(await c.req.text());
      const alerts: AlertResult[] = [];
      for (const alert of payload.alerts) alerts.push(await handleAlert(deps, spec, alert));
      return c.json({ alerts }, 200);
    },
  );
};
