/** Incidents of the chosen environments: open ones first, then newest first; open, resolved or both. */
import { query } from '../api.ts';
import type { IncidentRecord } from '../../../contracts/deployments.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { useApi } from '../lists/use-api.ts';
import { Link } from '../router.tsx';
import { elapsed, formatTime } from '../time.ts';
import { listOf, sortIncidents } from './records.ts';

export type IncidentState = '' | 'open' | 'resolved';

export function IncidentsTable({ namespace, environment, state }: { namespace?: string; environment?: string; state: IncidentState }) {
  const open = state === '' ? undefined : String(state === 'open');
  const { data, error, loading } = useApi<unknown>(`/incidents${query({ namespace, environment, open })}`);
  const list = sortIncidents(listOf<IncidentRecord>(data, 'incidents'));
  return (
    <>
      {error ? <ErrorBox error={error} title="The incidents cannot be listed" /> : null}
      {loading && !data ? <div class="loading">Loading incidents…</div> : null}
      {data && list.length === 0 ? <p class="empty">No incidents{state ? ` ${state}` : ''} for these filters.</p> : null}
      {list.length > 0 ? (
        <table class="list incidents">
          <thead><tr><th>Id</th><th>State</th><th>Title</th><th>Environment</th><th>Application</th><th>Deployment</th><th>Opened</th><th>Resolved</th><th>Open for</th><th>Source</th></tr></thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.id} data-incident={i.id} data-state={i.resolvedAt ? 'resolved' : 'open'}>
                <td>#{i.id}</td>
                <td><span class={`badge incident-${i.resolvedAt ? 'resolved' : 'open'}`}>{i.resolvedAt ? 'resolved' : 'open'}</span></td>
                <td>{i.title}</td>
                <td>{i.environment}</td>
                <td>{i.application ?? ''}</td>
                <td>{i.deploymentId ? <Link href={`/deployments/${i.deploymentId}`}>#{i.deploymentId}</Link> : ''}</td>
                <td><time dateTime={i.openedAt}>{formatTime(i.openedAt)}</time></td>
                <td>{i.resolvedAt ? <time dateTime={i.resolvedAt}>{formatTime(i.resolvedAt)}</time> : ''}</td>
                <td>{elapsed(i.openedAt, i.resolvedAt)}</td>
                <td>{i.source}{i.openedBy ? ` (${i.openedBy})` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
