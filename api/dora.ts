/**
 * Reading the records a DORA report needs through the store and computing it
 * (dora/): the API route and the Prometheus gauges share this. Dates and
 * environments are checked before the store is read.
 */
import type { DeploymentRecord, IncidentRecord } from '../contracts/deployments.ts';
import type { DoraQuery, DoraReport } from '../contracts/dora.ts';
import { computeDora, resolveWindow, selectEnvironments, type DoraInput } from '../dora/index.ts';
import type { Store } from '../store/store.ts';

/** How far before the window deployments are read, so a commit shipped earlier is not counted again (docs/dora.md). */
export const LOOKBACK_MS = 90 * 86_400_000;
/** The store's page size, and the most records a report reads per environment. */
const PAGE = 500;
const MAX_RECORDS = 20_000;

export type DoraStore = Pick<Store, 'listEnvironments' | 'listDeployments' | 'listIncidents'>;

async function deploymentsOf(store: DoraStore, namespace: string, environment: string, query: DoraQuery, since: string, until: string): Promise<DeploymentRecord[]> {
  const out: DeploymentRecord[] = [];
  let beforeId: number | undefined;
  while (out.length < MAX_RECORDS) {
    const page = await store.listDeployments({
      namespace, environment, since, until, limit: PAGE,
      ...(query.application === undefined ? {} : { application: query.application }),
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    out.push(...page);
    if (page.length < PAGE) break;
    beforeId = page[page.length - 1]!.id;
  }
  return out;
}

/** The records a report of `query` at `now` reads (the window, and deployments of the lookback before it). */
export async function loadDoraInput(store: DoraStore, query: DoraQuery, now: number): Promise<DoraInput> {
  const window = resolveWindow(query, now);
  const environments = await store.listEnvironments();
  const scope = selectEnvironments(query, environments);
  const until = new Date(window.until).toISOString();
  const readFrom = new Date(window.since - LOOKBACK_MS).toISOString();
  const since = new Date(window.since).toISOString();
  const perEnvironment = await Promise.all(scope.map(async (e) => {
    const [deployments, incidents] = await Promise.all([
      deploymentsOf(store, e.namespace, e.name, query, readFrom, until),
      store.listIncidents({ namespace: e.namespace, environment: e.name, since, until, limit: PAGE }),
    ]);
    return { deployments, incidents };
  }));
  const deployments: DeploymentRecord[] = perEnvironment.flatMap((p) => p.deployments);
  const incidents: IncidentRecord[] = perEnvironment.flatMap((p) => p.incidents);
  return { query, deployments, incidents, environments, now };
}

/** The report of a query at `now` (epoch ms); throws DoraQueryError for bad dates or an unknown environment. */
export async function doraReport(store: DoraStore, query: DoraQuery, now: number): Promise<DoraReport> {
  return computeDora(await loadDoraInput(store, query, now));
}
