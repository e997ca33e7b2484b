/** Flows (`/flows`): every flow's latest version, a page at a time; "New flow" for admins. */
import { useState } from 'preact/hooks';
import { query } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { useApi } from '../lists/use-api.ts';
import type { PageProps } from '../routes.tsx';
import { Link, useLocation } from '../router.tsx';
import { hasRole, useSession } from '../session.ts';
import { formatTime } from '../time.ts';

interface FlowSummary {
  readonly uri: string;
  readonly version: number;
  readonly title: string | null;
  readonly createdAt: string;
  /** The inputs a manual run may give, by name ({} when none). */
  readonly inputs?: Readonly<Record<string, { readonly required: boolean }>>;
}

/** `target*, level`: the declared inputs, required ones starred. */
const inputList = (inputs: FlowSummary['inputs']): string => {
  const names = Object.entries(inputs ?? {}).map(([name, i]) => (i.required ? `${name}*` : name));
  return names.length ? names.join(', ') : 'none';
};

export default function Page(_: PageProps) {
  const session = useSession();
  const { search } = useLocation();
  const limit = search.get('limit') ?? undefined;
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { data, error, loading } = useApi<{ flows: FlowSummary[]; next: string | null }>(`/flows${query({ limit, cursor })}`);
  return (
    <section class="flows-list">
      <div class="page-head">
        <h1>Flows</h1>
        {hasRole(session, 'admin') ? <Link href="/flows/new" class="button primary">New flow</Link> : null}
      </div>
      {error ? <ErrorBox error={error} title="The flows cannot be listed" /> : null}
      {loading && !data ? <div class="loading">Loading flows…</div> : null}
      {data && data.flows.length === 0 ? <p class="empty">{cursor ? 'No more flows.' : 'No flows yet. Apply one with `coflow apply`, or write one with "New flow".'}</p> : null}
      {data && data.flows.length > 0 ? (
        <table class="list">
          <thead><tr><th>Flow</th><th>Title</th><th>Latest version</th><th>Inputs</th><th>Created</th></tr></thead>
          <tbody>
            {data.flows.map((f) => (
              <tr key={f.uri} data-flow={f.uri}>
                <td><Link href={`/flows/${f.uri}`}>{f.uri}</Link></td>
                <td>{f.title ?? ''}</td>
                <td>v{f.version}</td>
                <td class="muted">{inputList(f.inputs)}</td>
                <td><time dateTime={f.createdAt}>{formatTime(f.createdAt)}</time></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div class="pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>← Previous</button>
        <button type="button" disabled={!data?.next} onClick={() => data?.next && setCursors((c) => [...c, data.next!])}>Next →</button>
      </div>
    </section>
  );
}
