/** The deployments list: newest first, a page at a time, each row linking to its detail, its run and what it rolls back. */
import { useState } from 'preact/hooks';
import { query, runPath } from '../api.ts';
import type { DeploymentRecord } from '../../../contracts/deployments.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { useApi } from '../lists/use-api.ts';
import { Link } from '../router.tsx';
import { elapsed, formatTime } from '../time.ts';
import { listOf, nextOf, PAGE_SIZE, shortSha } from './records.ts';
import { ResultBadge } from './result-badge.tsx';

export interface DeploymentFilters {
  readonly namespace?: string;
  readonly environment?: string;
  readonly flow?: string;
}

function Row({ d }: { d: DeploymentRecord }) {
  return (
    <tr data-deployment={d.id} data-result={d.result}>
      <td><Link href={`/deployments/${d.id}`}>#{d.id}</Link></td>
      <td>{d.environment}</td>
      <td>{d.application}</td>
      <td>
        <ResultBadge result={d.result} />
        {d.rollbackOf ? <> <span class="muted">rolls back</span> <Link href={`/deployments/${d.rollbackOf}`}>#{d.rollbackOf}</Link></> : null}
      </td>
      <td>{d.commit ? <code title={d.commit}>{shortSha(d.commit)}</code> : null}</td>
      <td>{d.user ?? ''}</td>
      <td>{d.strategy ?? d.kind}</td>
      <td><time dateTime={d.startedAt}>{formatTime(d.startedAt)}</time></td>
      <td>{d.finishedAt ? elapsed(d.startedAt, d.finishedAt) : ''}</td>
      <td>{d.runId ? <Link href={runPath(d.runId)}>{d.runId}</Link> : d.flowUri ? <Link href={`/flows/${d.flowUri}`}>{d.flowUri}</Link> : <span class="muted">{d.kind === 'rollback' ? 'by hand' : ''}</span>}</td>
    </tr>
  );
}

export function DeploymentsTable({ filters }: { filters: DeploymentFilters }) {
  const [befores, setBefores] = useState<number[]>([]);
  const before = befores[befores.length - 1];
  const { data, error, loading } = useApi<unknown>(`/deployments${query({ ...filters, limit: PAGE_SIZE, before })}`);
  const list = listOf<DeploymentRecord>(data, 'deployments');
  const next = nextOf(data, list, PAGE_SIZE);
  return (
    <>
      {error ? <ErrorBox error={error} title="The deployments cannot be listed" /> : null}
      {loading && !data ? <div class="loading">Loading deployments…</div> : null}
      {data && list.length === 0 ? <p class="empty">{before ? 'No older deployments.' : 'No deployments recorded for these filters.'}</p> : null}
      {list.length > 0 ? (
        <table class="list deployments">
          <thead><tr><th>Id</th><th>Environment</th><th>Application</th><th>Result</th><th>Commit</th><th>User</th><th>Strategy</th><th>Started</th><th>Duration</th><th>Run (or flow)</th></tr></thead>
          <tbody>{list.map((d) => <Row key={d.id} d={d} />)}</tbody>
        </table>
      ) : null}
      <div class="pager">
        <button type="button" disabled={befores.length === 0} onClick={() => setBefores((b) => b.slice(0, -1))}>← Newer</button>
        <button type="button" disabled={next === undefined} onClick={() => next !== undefined && setBefores((b) => [...b, next])}>Older →</button>
      </div>
    </>
  );
}
