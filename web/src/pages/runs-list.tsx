/**
 * Runs (`/` and `/runs`): filters as form controls whose values live in the
 * URL query, and the live runs table under them.
 */
import type { PageProps } from '../routes.tsx';
import { navigate, useLocation } from '../router.tsx';
import { stateLabel } from '../components/state.tsx';
import { RunsTable } from '../lists/runs-table.tsx';
import { STATUS_FILTERS, TRIGGER_FILTERS, filtersOf, isoOfLocal, localOfIso, searchOf, type RunFilters } from '../lists/run-filters.ts';

function FilterForm({ filters, apply }: { filters: RunFilters; apply: (f: RunFilters) => void }) {
  const set = (key: keyof RunFilters, value: string | undefined) => apply({ ...filters, [key]: value || undefined });
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => { const v = data.get(k); return typeof v === 'string' && v.trim() ? v.trim() : undefined; };
    apply({ ...filters, flow: text('flow'), branch: text('branch') });
  };
  return (
    <form class="filters" onSubmit={onSubmit} aria-label="Filter runs">
      <label>Flow <input name="flow" placeholder="ns/repo/name" defaultValue={filters.flow ?? ''} /></label>
      <label>State
        <select name="status" value={filters.status ?? ''} onChange={(e) => set('status', e.currentTarget.value)}>
          <option value="">any</option>
          {STATUS_FILTERS.map((s) => <option key={s} value={s}>{stateLabel(s)}</option>)}
        </select>
      </label>
      <label>Trigger
        <select name="trigger" value={filters.trigger ?? ''} onChange={(e) => set('trigger', e.currentTarget.value)}>
          <option value="">any</option>
          {TRIGGER_FILTERS.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </label>
      <label>Branch <input name="branch" defaultValue={filters.branch ?? ''} /></label>
      <label>Since <input type="datetime-local" name="since" value={localOfIso(filters.since)} onChange={(e) => set('since', isoOfLocal(e.currentTarget.value))} /></label>
      <label>Until <input type="datetime-local" name="until" value={localOfIso(filters.until)} onChange={(e) => set('until', isoOfLocal(e.currentTarget.value))} /></label>
      <button type="submit">Apply</button>
      <button type="button" class="link" onClick={() => apply({})}>Clear</button>
    </form>
  );
}

export default function Page(_: PageProps) {
  const { path, search } = useLocation();
  const filters = filtersOf(search);
  const limitText = search.get('limit');
  const limit = limitText && /^\d+$/.test(limitText) ? Number(limitText) : undefined;
  const apply = (f: RunFilters) => navigate(`${path}${searchOf(f, { limit: limitText ?? undefined })}`);
  const filtered = Object.keys(filters).length > 0;
  return (
    <section class="runs-list">
      <h1>Runs</h1>
      {/* Keyed by the query: back/forward to another filter set shows its values. */}
      <FilterForm key={search.toString()} filters={filters} apply={apply} />
      <RunsTable filters={filters} {...(limit ? { limit } : {})} empty={filtered ? 'No runs match these filters.' : 'No runs yet: start one from a flow\'s page.'} />
    </section>
  );
}
