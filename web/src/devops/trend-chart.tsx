/**
 * One weekly series as a small SVG chart (bars for counts, a line for the
 * rest): a title, the axis maximum, and one mark per week that names its week
 * and value on hover (`<title>`) and on keyboard focus (the caption below).
 * Plain SVG: four small charts need no chart library.
 */
import { useState } from 'preact/hooks';
import type { DoraWeek } from '../../../contracts/dora.ts';
import { chartPoints, linePath, weekLabel, type ChartBox, type Series } from './dora-format.ts';

const BOX: ChartBox = { width: 320, height: 140, left: 34, right: 10, top: 10, bottom: 22 };

export function TrendChart({ series, weeks }: { series: Series; weeks: readonly DoraWeek[] }) {
  const values = weeks.map((w) => { const v = w[series.key]; return v === null ? null : v * series.scale; });
  const { points, max } = chartPoints(values, BOX);
  const [focus, setFocus] = useState<number>();
  const base = BOX.height - BOX.bottom;
  const slot = (BOX.width - BOX.left - BOX.right) / Math.max(1, weeks.length);
  const text = (i: number) => {
    const raw = weeks[i]?.[series.key];
    return `week of ${weekLabel(weeks[i]?.weekStart ?? '')}: ${raw === null || raw === undefined ? 'no value' : series.format(raw)}`;
  };
  const id = `chart-${series.key}`;
  return (
    <figure class="trend-chart" data-series={series.key}>
      <figcaption id={id}>{series.title}</figcaption>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="group" aria-labelledby={id}>
        <line class="axis" x1={BOX.left} x2={BOX.width - BOX.right} y1={base} y2={base} />
        <line class="grid" x1={BOX.left} x2={BOX.width - BOX.right} y1={BOX.top} y2={BOX.top} />
        <text class="tick" x={BOX.left - 4} y={BOX.top + 4} text-anchor="end">{max}</text>
        <text class="tick" x={BOX.left - 4} y={base} text-anchor="end">0</text>
        <text class="tick" x={BOX.left} y={BOX.height - 6}>{weekLabel(weeks[0]?.weekStart ?? '')}</text>
        <text class="tick" x={BOX.width - BOX.right} y={BOX.height - 6} text-anchor="end">{weekLabel(weeks[weeks.length - 1]?.weekStart ?? '')}</text>
        {series.bars ? null : <path class="line" d={linePath(points)} />}
        {points.map((p, i) => {
          const mark = series.bars
            ? <rect class="bar" x={p.x - slot * 0.3} width={slot * 0.6} y={p.y ?? base} height={base - (p.y ?? base)} />
            : p.y === null ? <circle class="gap" cx={p.x} cy={base} r={2} /> : <circle class="dot" cx={p.x} cy={p.y} r={3.5} />;
          return (
            <g key={weeks[i]?.weekStart} class={`week${focus === i ? ' focused' : ''}`} data-week={weeks[i]?.weekStart} tabIndex={0} aria-label={text(i)}
              onFocus={() => setFocus(i)} onBlur={() => setFocus(undefined)} onMouseEnter={() => setFocus(i)} onMouseLeave={() => setFocus(undefined)}>
              <title>{text(i)}</title>
              {/* A wide transparent target so a week is easy to point at. */}
              <rect class="hit" x={p.x - slot / 2} width={slot} y={BOX.top} height={base - BOX.top} />
              {mark}
            </g>
          );
        })}
      </svg>
      <div class="chart-readout" aria-live="polite">{focus === undefined ? `unit: ${series.unit}` : text(focus)}</div>
    </figure>
  );
}

/** The same series as a table, for reading exact values and for screen readers. */
export function WeeklyTable({ weeks, series }: { weeks: readonly DoraWeek[]; series: readonly Series[] }) {
  return (
    <table class="list weekly-table">
      <thead><tr><th>Week of</th>{series.map((s) => <th key={s.key}>{s.title}</th>)}</tr></thead>
      <tbody>
        {weeks.map((w) => (
          <tr key={w.weekStart} data-week={w.weekStart}>
            <td>{weekLabel(w.weekStart)}</td>
            {series.map((s) => { const v = w[s.key]; return <td key={s.key}>{v === null ? '—' : s.format(v)}</td>; })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
