/**
 * Opening an incident, from the API or an Alertmanager alert: the namespace
 * and environment checked against the stored environments, and the
 * deployment it belongs to. Without a named deployment, coflow links the
 * one it knows was live at `openedAt`: the pair's newest deployment that
 * had finished succeeding by then (kept when later rolled back, since it
 * was live until the rollback), or the rollback that restored one.
 */
import type { DeploymentRecord, IncidentRecord, NewIncident } from '../contracts/deployments.ts';
import { MAX_LIST_LIMIT } from '../store/deployment-rows.ts';
import type { Store } from '../store/store.ts';
import { ApiError } from './errors.ts';

export type LinkedBy = 'given' | 'live-at-open' | 'none';

export interface IncidentRequest {
  readonly environment: string;
  readonly namespace?: string;
  readonly application?: string;
  readonly deployment?: number;
  readonly title: string;
  readonly openedAt: string;
  readonly source: NewIncident['source'];
  readonly externalKey?: string;
  readonly openedBy?: string;
}

export interface OpenedIncident {
  readonly incident: IncidentRecord;
  readonly created: boolean;
  readonly linkedBy: LinkedBy;
}

/** The deployment of a pair live at `at`: the newest (by finish) that had succeeded by then. */
export async function liveDeployment(store: Store, namespace: string, environment: string, application: string, at: string): Promise<DeploymentRecord | undefined> {
  const started = await store.listDeployments({ namespace, environment, application, until: at, limit: MAX_LIST_LIMIT });
  const atMs = Date.parse(at);
  // `rolled back` too: it was live from its finish until its rollback finished, and that rollback (newer) wins once it has.
  const live = started.filter((d) => (d.result === 'succeeded' || d.result === 'rolled back') && d.finishedAt !== undefined && Date.parse(d.finishedAt) <= atMs);
  return live.sort((a, b) => Date.parse(b.finishedAt!) - Date.parse(a.finishedAt!) || b.id - a.id)[0];
}

/** The namespace of a request that names none: that of its deployment, else the one namespace declaring the environment. */
async function namespaceOf(store: Store, req: IncidentRequest, deployment: DeploymentRecord | undefined): Promise<string> {
  if (req.namespace !== undefined) return req.namespace;
  if (deployment !== undefined) return deployment.namespace;
  const declaring = (await store.listEnvironments()).filter((e) => e.spec.environments.some((env) => env.name === req.environment)).map((e) => e.namespace);
  if (declaring.length === 1) return declaring[0]!;
  if (declaring.length === 0) throw new ApiError('unknown_environment', `no environments file declares environment "${req.environment}"; name the namespace`);
  throw new ApiError('unknown_environment', `environment "${req.environment}" is declared in namespaces ${declaring.join(', ')}; name the namespace`);
}

/** Refuses an environment its namespace's environments file does not declare (any name while the namespace has none). */
export async function checkEnvironment(store: Store, namespace: string, environment: string): Promise<void> {
  const stored = await store.getEnvironments(namespace);
  if (stored === undefined || stored.spec.environments.some((e) => e.name === environment)) return;
  const known = stored.spec.environments.map((e) => e.name).join(', ') || 'none';
  throw new ApiError('unknown_environment', `namespace ${namespace} has no environment "${environment}" (its environments: ${known})`, { environment, namespace });
}

/** Opens (or, for an open external key, finds) the incident a request describes. */
export async function openIncidentFor(store: Store, req: IncidentRequest): Promise<OpenedIncident> {
  const given = req.deployment === undefined ? undefined : await store.getDeployment(req.deployment);
  if (req.deployment !== undefined && given === undefined) throw new ApiError('unknown_deployment', `deployment ${req.deployment} does not exist`, { deployment: req.deployment });
  const namespace = await namespaceOf(store, req, given);
  await checkEnvironment(store, namespace, req.environment);
  if (given !== undefined && (given.namespace !== namespace || given.environment !== req.environment)) {
    throw new ApiError('unknown_deployment', `deployment ${given.id} went to ${given.namespace}/${given.environment}, not ${namespace}/${req.environment}`, { deployment: given.id });
  }
  const application = req.application ?? given?.application;
  const live = given ?? (application === undefined ? undefined : await liveDeployment(store, namespace, req.environment, application, req.openedAt));
  const linkedBy: LinkedBy = given !== undefined ? 'given' : live !== undefined ? 'live-at-open' : 'none';
  const { incident, created } = await store.openIncident({
    namespace, environment: req.environment, title: req.title, source: req.source, openedAt: req.openedAt,
    ...(application === undefined ? {} : { application }),
    ...(live === undefined ? {} : { deploymentId: live.id }),
    ...(req.externalKey === undefined ? {} : { externalKey: req.externalKey }),
    ...(req.openedBy === undefined ? {} : { openedBy: req.openedBy }),
  });
  return { incident, created, linkedBy };
}
