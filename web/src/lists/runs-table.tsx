/**
 * The runs table: one page of runs for some filters, live, with "← Newer" /
 * "Older →" over the API's cursor (a stack of the cursors passed, so going
 * back needs no cursor of its own). The runs list page and the flow page
 * both show it.
 */
import { useState } from 'preact/hooks';
import { runPath } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { StateBadge } from '../components/state.tsx';
import { Link } from '../router.tsx';
import { elapsed, formatTime } from '../time.ts';
import type { RunSummary } from '../../../contracts/run-summary.ts';
import { useLiveRuns, useNow } from './live-runs.ts';
import type { RunFilters } from './run-filters.ts';

const OPEN = new Set(['running', 'waiting', 'paused', 'pending']);

export interface RunsTableProps {
  readonly filters: RunFilters;
  readonly limit?: number;
  /** Says what an empty list means ("No runs match these filters."). */
  readonly empty?: string;
}

function Row({ run }: { run: RunSummary }) {
  return (
    <tr data-run={run.runId}>
      <td><Link href={runPath(run.runId)}>{run.flowUri} <strong>#{run.number}</strong></Link></td>
      <td><StateBadge state={run.status} /></td>
      <td>{run.trigger ?? ''}</td>
      <td>{run.branch ?? ''}</td>
      <td>{run.actor ?? ''}</td>
      <td><time dateTime={run.startedAt}>{formatTime(run.startedAt)}</time></td>
      <td class="duration">{elapsed(run.startedAt, run.endedAt ?? undefined)}</td>
    </tr>
  );
}

export function RunsTable({ filters, limit, empty = 'No runs yet.' }: RunsTableProps) {
  // The cursors of the pages passed; the last one is this page's (none: the first page).
  // Kept per filter set: other filters start again at the newest runs.
  const filterKey = JSON.stringify([filters, limit]);
  const [stack, setStack] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = stack.key === filterKey ? stack.cursors : [];
  const setCursors = (f: (c: string[]) => string[]) => setStack({ key: filterKey, cursors: f(cursors) });
  const cursor = cursors[cursors.length - 1];
  const { page, error, connected } = useLiveRuns(filters, limit, cursor);
  const ticking = page?.runs.some((r) => OPEN.has(r.status) && !r.endedAt) ?? false;
  useNow(ticking); // re-renders every second while a run is open: its duration ticks

  return (
    <div class="runs-table">
      {error ? <ErrorBox error={error} title="The runs cannot be listed" /> : null}
      {!connected && page ? <div class="notice">Reconnecting to the live list…</div> : null}
      {!page && !error ? <div class="loading">Loading runs…</div> : null}
      {page && page.runs.length === 0 ? <p class="empty">{cursor ? 'No older runs.' : empty}</p> : null}
      {page && page.runs.length > 0 ? (
        <table class="list">
          <thead><tr><th>Run</th><th>State</th><th>Trigger</th><th>Branch</th><th>Actor</th><th>Started</th><th>Duration</th></tr></thead>
          <tbody>{page.runs.map((r) => <Row key={r.runId} run={r} />)}</tbody>
        </table>
      ) : null}
      {cursors.length === 0 && !page?.next ? null : <div class="pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>← Newer</button>
        <span class="page-no">{cursor ? `page ${cursors.length + 1}` : 'latest, live'}</span>
        <button type="button" disabled={!page?.next} onClick={() => page?.next && setCursors((c) => [...c, page.next!])}>Older →</button>
      </div>}
    </div>
  );
}
