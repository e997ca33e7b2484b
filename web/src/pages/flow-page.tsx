/**
 * One flow (`/flows/:ns/:repo/:name`, `?version=N`): its versions, the
 * selected version's YAML and graph, warnings, triggers and receivers, the
 * Run button (latest version), and its runs, live.
 */
import { useMemo } from 'preact/hooks';
import type { FlowSpec } from '../../../flow/model.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { FlowTriggers } from '../flows/flow-triggers.tsx';
import { RunButton } from '../flows/run-dialog.tsx';
import { SourceView } from '../flows/source-view.tsx';
import { GraphView } from '../graph/graph-view.tsx';
import { layoutGraph } from '../graph/layout.ts';
import { graphOfSpec } from '../graph/model.ts';
import { RunsTable } from '../lists/runs-table.tsx';
import { useApi } from '../lists/use-api.ts';
import type { PageProps } from '../routes.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { hasRole, useSession } from '../session.ts';
import { formatTime } from '../time.ts';

interface Warning { readonly path: string; readonly line: number; readonly column: number; readonly message: string }

/** `GET /api/v1/flows/{uri}` (api/schemas.ts StoredFlow); `warnings` only if the API keeps them. */
interface StoredFlow {
  readonly uri: string;
  readonly version: number;
  readonly source: string;
  readonly spec: FlowSpec;
  readonly createdAt: string;
  readonly warnings?: readonly Warning[];
}

interface Versions { readonly versions: readonly { version: number; createdAt: string }[] }

function FlowVersionView({ flow }: { flow: StoredFlow }) {
  // One layout per flow version (the graph is pure in the spec).
  const layout = useMemo(() => layoutGraph(graphOfSpec(flow.spec)), [flow.uri, flow.version]);
  return (
    <>
      {flow.warnings?.length ? (
        <div class="notice warnings" role="status">
          <strong>Warnings</strong>
          <ul>{flow.warnings.map((w, i) => <li key={i}><a href={`#L${w.line}`}>line {w.line}:{w.column}</a> {w.path}: {w.message}</li>)}</ul>
        </div>
      ) : null}
      <h2>Graph</h2>
      <div class="graph-scroll"><GraphView layout={layout} label={`Graph of ${flow.uri} v${flow.version}`} /></div>
      <h2>Source <small class="muted">v{flow.version}, {formatTime(flow.createdAt)}</small></h2>
      <SourceView source={flow.source} />
      <FlowTriggers spec={flow.spec} origin={location.origin} />
    </>
  );
}

export default function Page({ params }: PageProps) {
  const uri = `${params.ns}/${params.repo}/${params.name}`;
  const session = useSession();
  const { path, search } = useLocation();
  const asked = search.get('version') ?? undefined;
  const versions = useApi<Versions>(`/flows/${uri}/versions`);
  const latest = useApi<StoredFlow>(`/flows/${uri}`);
  const selected = useApi<StoredFlow>(asked ? `/flows/${uri}?version=${encodeURIComponent(asked)}` : undefined);
  const shown = asked ? selected : latest;
  const newest = versions.data?.versions.at(-1)?.version;

  if (latest.error) return <section><h1>{uri}</h1><ErrorBox error={latest.error} title="This flow cannot be read" /></section>;
  return (
    <section class="flow-page">
      <div class="page-head">
        <div>
          <h1>{latest.data?.spec.title ?? uri}</h1>
          {latest.data?.spec.title ? <div class="muted uri">{uri}</div> : null}
        </div>
        <div class="head-actions">
          {hasRole(session, 'admin') ? <Link href={`/flows/${uri}/edit`} class="button">Edit</Link> : null}
          {latest.data ? <RunButton uri={uri} inputs={latest.data.spec.inputs} version={latest.data.version} /> : null}
        </div>
      </div>
      {versions.error ? <ErrorBox error={versions.error} title="The versions cannot be listed" /> : null}
      <label class="version-picker">Version{' '}
        <select value={asked ?? String(newest ?? '')} onChange={(e) => navigate(`${path}?version=${e.currentTarget.value}`)}>
          {[...(versions.data?.versions ?? [])].reverse().map((v) => (
            <option key={v.version} value={String(v.version)}>v{v.version}{v.version === newest ? ' (latest)' : ''} — {formatTime(v.createdAt)}</option>
          ))}
        </select>
      </label>
      {shown.error ? <ErrorBox error={shown.error} title={`Version ${asked ?? ''} cannot be read`} /> : null}
      {shown.loading && !shown.data ? <div class="loading">Loading…</div> : null}
      {shown.data && !shown.error ? <FlowVersionView flow={shown.data} /> : null}
      <h2>Runs</h2>
      <RunsTable filters={{ flow: uri }} limit={20} empty="No runs of this flow yet." />
    </section>
  );
}
