/**
 * Zod schemas of the deployment records and incidents of `/api/v1` (issue 13),
 * in the style of api/schemas.ts: they validate requests and make the OpenAPI document.
 */
import { z } from '@hono/zod-openapi';
import { DEPLOYMENT_KINDS, DEPLOYMENT_RESULTS, INCIDENT_SOURCES } from '../contracts/deployments.ts';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../store/deployment-rows.ts';
import { Limit } from './schemas.ts';

const Time = z.iso.datetime({ offset: true });
const Name = z.string().min(1).max(200);

export const DeploymentRecord = z
  .object({
    id: z.number().int(),
    namespace: z.string(), environment: z.string(), application: z.string(),
    kind: z.enum(DEPLOYMENT_KINDS),
    flowUri: z.string().optional(), runId: z.string().optional(), jobPath: z.string().optional(), attempt: z.number().int().optional(),
    commit: z.string().optional(), branch: z.string().optional(), repo: z.string().optional(),
    images: z.array(z.string()).readonly(), user: z.string().optional(), strategy: z.string().optional(),
    manifest: z.string().optional().openapi({ description: 'the manifest as applied (secrets left as `${{ secrets.NAME }}`); only on GET /deployments/{id}' }),
    manifestDigest: z.string().optional(),
    startedAt: z.string(), finishedAt: z.string().optional(),
    result: z.enum(DEPLOYMENT_RESULTS), reason: z.string().optional(),
    rollbackOf: z.number().int().optional(), restores: z.number().int().optional(),
    commits: z.array(z.object({ sha: z.string(), committedAt: z.string() })).readonly(),
  })
  .openapi('Deployment');

export const DeploymentList = z
  .object({
    deployments: z.array(DeploymentRecord),
    next: z.number().int().nullable().openapi({ description: 'pass as `before` for the next (older) page; null on the last page' }),
  })
  .openapi('DeploymentList');

export const DeploymentListQuery = z.object({
  namespace: Name.optional(),
  environment: Name.optional(),
  application: Name.optional(),
  flow: z.string().min(1).max(400).optional().openapi({ description: 'flow uri of the run that deployed' }),
  since: Time.optional().openapi({ description: 'started at or after (ISO 8601)' }),
  until: Time.optional().openapi({ description: 'started before (ISO 8601)' }),
  limit: Limit(MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'records older than this id (the `next` of the previous page)' }),
});

export const IdParam = z.object({ id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' }, example: 12 }) });

export const LINKED_BY = ['given', 'live-at-open', 'none'] as const;

export const Incident = z
  .object({
    id: z.number().int(), namespace: z.string(), environment: z.string(), application: z.string().optional(),
    deploymentId: z.number().int().optional(), title: z.string(), source: z.enum(INCIDENT_SOURCES),
    externalKey: z.string().optional(), openedAt: z.string(), resolvedAt: z.string().optional(), openedBy: z.string().optional(),
  })
  .openapi('Incident');

export const OpenedIncident = Incident.extend({
  linkedBy: z.enum(LINKED_BY).openapi({
    description: '`given`: the request named the deployment; `live-at-open`: the deployment of the (environment, application) that was live at openedAt; `none`: no deployment was live (or no application given)',
  }),
}).openapi('OpenedIncident');

export const OpenIncidentBody = z
  .object({
    environment: Name,
    namespace: Name.optional().openapi({ description: 'default: that of `deployment`, else the one namespace whose environments file declares `environment`' }),
    application: Name.optional(),
    deployment: z.number().int().min(1).optional().openapi({ description: 'the deployment that caused it; default: the one live at openedAt' }),
    title: z.string().min(1).max(500),
    openedAt: Time.optional().openapi({ description: 'default: now' }),
  })
  .strict()
  .openapi('OpenIncident');

export const ResolveIncidentBody = z.object({ resolvedAt: Time.optional().openapi({ description: 'default: now' }) }).strict().openapi('ResolveIncident');

export const IncidentListQuery = z.object({
  namespace: Name.optional(),
  environment: Name.optional(),
  open: z.enum(['true', 'false']).optional().openapi({ description: 'true: only open ones; false: only resolved ones' }),
  since: Time.optional().openapi({ description: 'not resolved before (ISO 8601)' }),
  until: Time.optional().openapi({ description: 'opened before (ISO 8601)' }),
  limit: Limit(MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT),
});

export const IncidentList = z.object({ incidents: z.array(Incident) }).openapi('IncidentList');

export const AlertResult = z
  .object({
    fingerprint: z.string().nullable(),
    result: z.enum(['opened', 'already open', 'resolved', 'not open', 'skipped']),
    incident: z.number().int().optional(),
    linkedBy: z.enum(LINKED_BY).optional(),
    reason: z.string().optional(),
  })
  .openapi('AlertResult');

export const AlertmanagerAnswer = z.object({ alerts: z.array(AlertResult) }).openapi('AlertmanagerAnswer');
