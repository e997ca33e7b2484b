/**
 * DevOps metrics (`/dora`): the four DORA keys of one namespace's
 * environments (default: its production tier), optionally one flow, over 4,
 * 12 or 26 weeks — each value with its unit, tier and sample count — and the
 * weekly series as charts with a table beside them. Choices live in the URL.
 */
import { useMemo } from 'preact/hooks';
import { query } from '../api.ts';
import type { DoraReport } from '../../../contracts/dora.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { doraCards, SERIES, TIER_LABEL, WINDOW_WEEKS, weeksOf, windowOf, type DoraCard } from '../devops/dora-format.ts';
import { DevopsEmpty } from '../devops/empty-state.tsx';
import { environmentChoices, namespacesOf } from '../devops/records.ts';
import { TrendChart, WeeklyTable } from '../devops/trend-chart.tsx';
import { useApi } from '../lists/use-api.ts';
import type { PageProps } from '../routes.tsx';
import { navigate, useLocation } from '../router.tsx';
import { formatTime } from '../time.ts';

function TierBadge({ tier }: { tier: DoraCard['tier'] }) {
  if (!tier) return <span class="tier-badge tier-none" data-tier="">no tier</span>;
  return <span class={`tier-badge tier-${tier}`} data-tier={tier}>{TIER_LABEL[tier]}</span>;
}

function Card({ card }: { card: DoraCard }) {
  return (
    <section class="dora-card" data-metric={card.key} aria-label={card.title}>
      <h2>{card.title}</h2>
      <div class="dora-value">{card.value}</div>
      <TierBadge tier={card.tier} />
      <p class="muted">{card.detail}</p>
      <p class="muted samples">from {card.samples} {card.samplesOf}</p>
    </section>
  );
}

function Report({ report }: { report: DoraReport }) {
  return (
    <>
      <p class="muted dora-scope">
        {report.environments.length ? <>Environments: <strong>{report.environments.join(', ')}</strong></> : 'No environment matches.'}
        {report.flowUri ? <> · flow <strong>{report.flowUri}</strong></> : null}
        {' '}· <time dateTime={report.since}>{formatTime(report.since)}</time> to <time dateTime={report.until}>{formatTime(report.until)}</time>
      </p>
      <div class="dora-cards">{doraCards(report).map((c) => <Card key={c.key} card={c} />)}</div>
      <h2>Weekly trend</h2>
      <div class="dora-charts">{SERIES.map((s) => <TrendChart key={s.key} series={s} weeks={report.weekly} />)}</div>
      <details class="weekly-details">
        <summary>Weekly values as a table</summary>
        <WeeklyTable weeks={report.weekly} series={SERIES} />
      </details>
    </>
  );
}

export default function Page(_: PageProps) {
  const { path, search } = useLocation();
  const envs = useApi<unknown>('/environments');
  const choices = useMemo(() => environmentChoices(envs.data), [envs.data]);
  const namespaces = namespacesOf(choices);
  const namespace = search.get('namespace') ?? namespaces[0];
  const environment = search.get('environment') ?? '';
  const flow = search.get('flow') ?? '';
  const weeks = weeksOf(search.get('weeks'));
  const span = useMemo(() => windowOf(weeks, Date.now()), [weeks]);
  const report = useApi<DoraReport>(namespace ? `/metrics/dora${query({ namespace, environment, flow, ...span })}` : undefined);
  const set = (patch: Record<string, string | undefined>) => {
    const q = { namespace, environment, flow, weeks: String(weeks), ...patch };
    navigate(`${path}${query(q)}`);
  };
  const inNamespace = choices.filter((c) => c.namespace === namespace);
  return (
    <section class="dora-page">
      <h1>DevOps metrics</h1>
      {envs.error ? <ErrorBox error={envs.error} title="The environments cannot be listed" /> : null}
      {envs.data && choices.length === 0 ? <DevopsEmpty what="environments" /> : null}
      {namespace ? (
        <form class="filters" aria-label="Choose the metrics" onSubmit={(e) => {
          e.preventDefault();
          const v = new FormData(e.currentTarget).get('flow');
          set({ flow: typeof v === 'string' ? v.trim() : '' });
        }}>
          <label>Namespace
            <select value={namespace} onChange={(e) => set({ namespace: e.currentTarget.value, environment: '' })}>
              {namespaces.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label>Environment
            <select value={environment} onChange={(e) => set({ environment: e.currentTarget.value })}>
              <option value="">production tier</option>
              {inNamespace.map((c) => <option key={c.name} value={c.name}>{c.name} ({c.tier})</option>)}
            </select>
          </label>
          <label>Flow <input name="flow" placeholder="all flows (ns/repo/name)" defaultValue={flow} key={flow} /></label>
          <label>Window
            <select value={String(weeks)} onChange={(e) => set({ weeks: e.currentTarget.value })}>
              {WINDOW_WEEKS.map((w) => <option key={w} value={String(w)}>{w} weeks</option>)}
            </select>
          </label>
          <button type="submit">Apply</button>
        </form>
      ) : null}
      {report.error ? <ErrorBox error={report.error} title="The metrics cannot be computed" /> : null}
      {(envs.loading || report.loading) && !report.data ? <div class="loading">Loading metrics…</div> : null}
      {report.data && report.data.deploymentFrequency.samples === 0 && report.data.changeFailureRate.samples === 0 ? <DevopsEmpty what="deployments" /> : null}
      {report.data ? <Report report={report.data} /> : null}
    </section>
  );
}
