/**
 * The component catalog (`/components`): every component with its versions,
 * description, inputs and outputs (the newest version's, or the one picked),
 * and a filter box.
 */
import { useState } from 'preact/hooks';
import { ErrorBox } from '../components/error-box.tsx';
import { filterComponents, groupComponents, type ComponentGroup, type ComponentRow } from '../lists/component-filter.ts';
import { useApi } from '../lists/use-api.ts';
import type { PageProps } from '../routes.tsx';

function ComponentCard({ group, rows }: { group: ComponentGroup; rows: readonly ComponentRow[] }) {
  const [version, setVersion] = useState(group.versions[0]!);
  const c = rows.find((r) => `${r.namespace}/${r.name}` === group.id && r.version === version) ?? group.latest;
  return (
    <article class="panel component" data-component={group.id}>
      <header>
        <h2>{group.id}</h2>
        <label>Version{' '}
          <select value={version} onChange={(e) => setVersion(e.currentTarget.value)}>
            {group.versions.map((v, i) => <option key={v} value={v}>{v}{i === 0 ? ' (newest)' : ''}</option>)}
          </select>
        </label>
        <code class="muted image">{c.image}</code>
      </header>
      {c.description ? <p>{c.description}</p> : null}
      <h3>Inputs</h3>
      {c.inputs.length === 0 ? <p class="empty">none</p> : (
        <table class="list inputs">
          <thead><tr><th>Name</th><th>Required</th><th>Default</th><th>Description</th></tr></thead>
          <tbody>
            {c.inputs.map((i) => (
              <tr key={i.name}><td><code>{i.name}</code>{i.secret ? <small class="muted"> (secret)</small> : null}</td><td>{i.required ? 'required' : ''}</td><td>{i.default !== undefined ? <code>{i.default}</code> : ''}</td><td>{i.description ?? ''}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Outputs</h3>
      {c.outputs.length === 0 ? <p class="empty">none</p> : (
        <table class="list outputs">
          <thead><tr><th>Name</th><th>Description</th></tr></thead>
          <tbody>{c.outputs.map((o) => <tr key={o.name}><td><code>{o.name}</code></td><td>{o.description ?? ''}</td></tr>)}</tbody>
        </table>
      )}
    </article>
  );
}

export default function Page(_: PageProps) {
  const { data, error, loading } = useApi<{ components: ComponentRow[] }>('/components');
  const [text, setText] = useState('');
  const groups = data ? groupComponents(data.components) : [];
  const shown = filterComponents(groups, text);
  return (
    <section class="components-page">
      <div class="page-head">
        <h1>Components</h1>
        <input type="search" class="filter-box" placeholder="Filter by name, description, input…" aria-label="Filter components" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      {error ? <ErrorBox error={error} title="The catalog cannot be read" /> : null}
      {loading ? <div class="loading">Loading the catalog…</div> : null}
      {data && groups.length === 0 ? <p class="empty">The catalog is empty.</p> : null}
      {data && groups.length > 0 && shown.length === 0 ? <p class="empty">No component matches “{text}”.</p> : null}
      <div class="component-grid">{shown.map((g) => <ComponentCard key={g.id} group={g} rows={data?.components ?? []} />)}</div>
    </section>
  );
}
