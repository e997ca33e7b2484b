/**
 * Draws a laid-out flow graph as SVG: stage columns with their names and
 * sequencing, action groups, job boxes coloured by state (classes
 * `state-<state>`, colours from styles.css), and the data links as curves.
 * What a box says besides its name (state, duration, attempts) comes from
 * `decorate`, so live updates never touch the layout.
 */
import type { GraphLayout, PlacedJob } from './layout.ts';

export interface JobDecoration {
  readonly state?: string;
  /** A short second line: duration, attempt count, repetitions. */
  readonly note?: string;
}

export interface StageDecoration {
  readonly state?: string;
  readonly note?: string;
}

export type GraphSelection = { readonly kind: 'stage' | 'action' | 'job'; readonly id: string };

export interface GraphViewProps {
  readonly layout: GraphLayout;
  readonly decorateJob?: (path: string) => JobDecoration | undefined;
  readonly decorateStage?: (name: string) => StageDecoration | undefined;
  readonly selected?: GraphSelection;
  readonly onSelect?: (selection: GraphSelection) => void;
  /** Accessible name of the drawing. */
  readonly label?: string;
}

const clip = (text: string, max: number): string => (text.length > max ? text.slice(0, max - 1) + '…' : text);

function JobBox({ job, decoration, selected, onSelect }: { job: PlacedJob; decoration: JobDecoration | undefined; selected: boolean; onSelect: (() => void) | undefined }) {
  const state = decoration?.state ?? 'pending';
  const key = (e: KeyboardEvent) => {
    if (onSelect && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      onSelect();
    }
  };
  // `tabindex` in lower case: in SVG, Preact sets attributes by the name given, and only `tabindex` makes the box focusable.
  return (
    <g class={`job state-${state}${selected ? ' selected' : ''}`} data-path={job.path} data-state={state} transform={`translate(${job.x},${job.y})`}
      role={onSelect ? 'button' : undefined} tabindex={onSelect ? 0 : undefined} aria-label={`job ${job.path}: ${state}`} onClick={onSelect} onKeyDown={key}>
      <rect width={job.width} height={job.height} rx="5" />
      <rect class="job-state-bar" width="5" height={job.height} rx="2" />
      <text x="12" y="19" class="job-name">{clip(job.name, 26)}</text>
      <text x="12" y="37" class="job-note">{clip(decoration?.note ?? job.detail ?? '', 32)}</text>
    </g>
  );
}

/** What a stage column is, in a word: how it runs its actions, or its kind. */
const kindOf = (s: GraphLayout['stages'][number]): string =>
  s.type === 'pause' ? 'approval gate' : s.type === 'start' || s.type === 'end' ? s.type : s.actionCount < 2 ? '' : s.sequencing;

/** Arrows from each action to the next in a `sequence` stage (a `parallel` stage has none: its actions start together). */
function SequenceArrows({ layout }: { layout: GraphLayout }) {
  const arrows = layout.actions.flatMap((a, i) => {
    const next = layout.actions[i + 1];
    const stage = layout.stages[a.column];
    if (!next || next.column !== a.column || stage?.sequencing !== 'sequence') return [];
    const x = a.x + a.width / 2;
    return [<path key={a.id} class="sequence-arrow" d={`M${x},${a.y + a.height} L${x},${next.y}`} marker-end="url(#arrow)" />];
  });
  return <g class="sequence">{arrows}</g>;
}

export function GraphView({ layout, decorateJob, decorateStage, selected, onSelect, label }: GraphViewProps) {
  const pick = (kind: GraphSelection['kind'], id: string) => (onSelect ? () => onSelect({ kind, id }) : undefined);
  return (
    <div class="graph-scroll">
      <svg class="flow-graph" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={label ?? 'flow graph'}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" /></marker>
        </defs>
        {layout.stages.map((s) => {
          const d = decorateStage?.(s.name);
          const isSel = selected?.kind === 'stage' && selected.id === s.name;
          return (
            <g key={s.name} class={`stage type-${s.type} state-${d?.state ?? 'pending'}${isSel ? ' selected' : ''}`} data-stage={s.name} data-state={d?.state ?? 'pending'}>
              <rect class="stage-column" x={s.x - 6} y={s.y} width={s.width + 12} height={s.height} rx="6" />
              <text class="stage-name" x={s.x} y={16} onClick={pick('stage', s.name)}>{clip(s.name, 24)}</text>
              <text class="stage-note" x={s.x} y={30}>{[s.type === 'pause' && d?.note ? '' : kindOf(s), d?.note].filter(Boolean).join(' · ')}</text>
            </g>
          );
        })}
        {layout.actions.map((a) => {
          const isSel = selected?.kind === 'action' && selected.id === a.id;
          return (
            <g key={a.id} class={`action${isSel ? ' selected' : ''}`} data-action={a.id}>
              <rect x={a.x} y={a.y} width={a.width} height={a.height} rx="5" />
              <text x={a.x + 8} y={a.y + 15} onClick={pick('action', a.id)}>{clip(a.name, 28)}</text>
            </g>
          );
        })}
        <SequenceArrows layout={layout} />
        <g class="edges">
          {layout.edges.map((e) => <path key={`${e.from}>${e.to}:${e.label}`} class={`edge ${e.kind}`} d={e.d} marker-end="url(#arrow)"><title>{`${e.to} reads ${e.label} of ${e.from}`}</title></path>)}
        </g>
        {layout.jobs.map((j) => (
          <JobBox key={j.path} job={j} decoration={decorateJob?.(j.path)} selected={selected?.kind === 'job' && selected.id === j.path} onSelect={pick('job', j.path)} />
        ))}
      </svg>
    </div>
  );
}
