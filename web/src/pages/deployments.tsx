/**
 * Deployments (`/deployments`): every recorded deployment, newest first,
 * filtered by environment and flow (in the URL), and the incidents of the
 * same environments under it.
 */
import { useMemo } from 'preact/hooks';
import { query } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { DeploymentsTable } from '../devops/deployments-table.tsx';
import { IncidentsTable, type IncidentState } from '../devops/incidents-table.tsx';
import { environmentChoices } from '../devops/records.ts';
import { useApi } from '../lists/use-api.ts';
import type { PageProps } from '../routes.tsx';
import { navigate, useLocation } from '../router.tsx';

const incidentStateOf = (v: string | null): IncidentState => (v === 'open' || v === 'resolved' ? v : '');

export default function Page(_: PageProps) {
  const { path, search } = useLocation();
  const envs = useApi<unknown>('/environments');
  const choices = useMemo(() => environmentChoices(envs.data), [envs.data]);
  const namespace = search.get('namespace') ?? undefined;
  const environment = search.get('environment') ?? undefined;
  const flow = search.get('flow') ?? undefined;
  const incidents = incidentStateOf(search.get('incidents'));
  const set = (patch: Record<string, string | undefined>) => navigate(`${path}${query({ namespace, environment, flow, incidents, ...patch })}`);
  const envValue = namespace && environment ? `${namespace}/${environment}` : '';
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const v = new FormData(e.currentTarget as HTMLFormElement).get('flow');
    set({ flow: typeof v === 'string' && v.trim() ? v.trim() : undefined });
  };
  const filters = { ...(namespace ? { namespace } : {}), ...(environment ? { environment } : {}), ...(flow ? { flow } : {}) };
  return (
    <section class="deployments-page">
      <h1>Deployments</h1>
      {envs.error ? <ErrorBox error={envs.error} title="The environments cannot be listed" /> : null}
      <form class="filters" aria-label="Filter deployments" onSubmit={onSubmit}>
        <label>Environment
          <select value={envValue} onChange={(e) => {
            const v = e.currentTarget.value;
            const slash = v.indexOf('/');
            set(slash < 0 ? { namespace: undefined, environment: undefined } : { namespace: v.slice(0, slash), environment: v.slice(slash + 1) });
          }}>
            <option value="">all environments</option>
            {choices.map((c) => <option key={`${c.namespace}/${c.name}`} value={`${c.namespace}/${c.name}`}>{c.namespace} / {c.name} ({c.tier})</option>)}
          </select>
        </label>
        <label>Flow <input name="flow" placeholder="ns/repo/name" defaultValue={flow ?? ''} key={flow ?? ''} /></label>
        <button type="submit">Apply</button>
        <button type="button" class="link" onClick={() => navigate(path)}>Clear</button>
      </form>
      <DeploymentsTable key={JSON.stringify(filters)} filters={filters} />
      <div class="page-head">
        <h2>Incidents</h2>
        <label>Show
          <select value={incidents} onChange={(e) => set({ incidents: e.currentTarget.value || undefined })}>
            <option value="">open and resolved</option>
            <option value="open">open</option>
            <option value="resolved">resolved</option>
          </select>
        </label>
      </div>
      <IncidentsTable {...(namespace ? { namespace } : {})} {...(environment ? { environment } : {})} state={incidents} />
    </section>
  );
}
