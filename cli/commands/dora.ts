/** `dora [FILTERS]`: the four DORA keys over a window, with tiers and the weekly series (docs/dora.md). */
import type { DoraReport, DoraTier } from '../../contracts/dora.ts';
import { optionText, type Command } from './types.ts';

const FILTERS = { namespace: 'namespace', environment: 'environment', application: 'application', flow: 'flow', since: 'since', until: 'until' };

/** Hours as a person reads them: minutes under an hour, days from two days. */
export function hours(h: number | null): string {
  if (h === null) return '–';
  if (h < 1) return `${Math.round(h * 60)} min`;
  if (h < 48) return `${+h.toFixed(1)} h`;
  return `${+(h / 24).toFixed(1)} d`;
}

const percent = (r: number | null): string => (r === null ? '–' : `${+(r * 100).toFixed(1)} %`);
const tier = (t: DoraTier | null): string => t ?? 'not measured';

function aligned(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** The report as text: the four values with units and tiers, then one line per week. */
export function doraText(r: DoraReport): string {
  const days = Math.round((Date.parse(r.until) - Date.parse(r.since)) / 86_400_000);
  const f = r.deploymentFrequency;
  const l = r.leadTime;
  const c = r.changeFailureRate;
  const head = `DORA ${r.environments.join(', ') || '(no production environment)'}${r.flowUri ? ` · ${r.flowUri}` : ''} · ${r.since} → ${r.until} (${days} day${days === 1 ? '' : 's'})`;
  const keys = aligned([
    ['deployment frequency', f.value === null ? '–' : `${+f.value.toFixed(3)}/day (${f.perWeek}/week, ${f.deployments} successful)`, tier(f.tier)],
    ['lead time', l.value === null ? '–' : `median ${hours(l.value)}, p90 ${hours(l.p90Hours)} (${l.samples} commits)`, tier(l.tier)],
    ['change failure rate', c.value === null ? '–' : `${percent(c.value)} (${c.failures} of ${c.samples})`, tier(c.tier)],
    ['recovery time', r.recoveryTime.value === null ? '–' : `median ${hours(r.recoveryTime.value)} (${r.recoveryTime.samples} recoveries)`, tier(r.recoveryTime.tier)],
  ]);
  const weeks = aligned([
    ['WEEK', 'DEPLOYS', 'LEAD TIME', 'FAILURE RATE', 'RECOVERY'],
    ...r.weekly.map((w) => [w.weekStart.slice(0, 10), String(w.deployments), hours(w.leadTimeMedianHours), percent(w.changeFailureRate), hours(w.recoveryMedianHours)]),
  ]);
  return [head, '', ...keys, '', ...weeks].join('\n');
}

export const dora: Command = {
  name: 'dora',
  synopsis: 'dora [--namespace N] [--environment E[,E]] [--application A] [--flow URI] [--since T] [--until T]',
  summary: 'DORA metrics (deployment frequency, lead time, change failure rate, recovery time) with tiers and weekly series; default: production environments, last 12 weeks',
  options: {
    environment: { type: 'string' }, application: { type: 'string' }, namespace: { type: 'string' }, flow: { type: 'string' },
    since: { type: 'string' }, until: { type: 'string' },
  },
  async run(ctx) {
    const query = new URLSearchParams();
    for (const [option, param] of Object.entries(FILTERS)) {
      const value = optionText(ctx.values, option);
      if (value !== undefined) query.set(param, value);
    }
    const report = await ctx.api.request<DoraReport>('GET', `/api/v1/metrics/dora${query.size > 0 ? `?${query.toString()}` : ''}`);
    ctx.out(report, () => doraText(report));
    return 0;
  },
};
