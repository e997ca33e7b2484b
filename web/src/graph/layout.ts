/**
 * Where each box of a flow graph goes: stages are columns in order; inside
 * a column the actions stack top to bottom, each a group holding its jobs
 * (which run one after the other). A pure function of the graph's shape,
 * computed once per flow version, so state updates repaint boxes without
 * laying anything out again (hundreds of jobs stay cheap).
 */
import type { GraphEdge, GraphModel, GraphStage } from './model.ts';

export const SIZE = {
  columnWidth: 220, columnGap: 56, top: 40, jobHeight: 50, jobGap: 10,
  actionPadX: 10, actionHeader: 22, actionPadBottom: 10, actionGap: 18, gateColumn: 150,
} as const;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedJob extends Box {
  readonly path: string;
  readonly name: string;
  readonly detail?: string;
  /** The stage column it is in (0-based). */
  readonly column: number;
}

export interface PlacedAction extends Box {
  readonly id: string;
  readonly name: string;
  /** The stage column it is in (0-based). */
  readonly column: number;
}

export interface PlacedStage extends Box {
  readonly name: string;
  readonly type: string;
  readonly sequencing: 'sequence' | 'parallel';
  readonly column: number;
  readonly actionCount: number;
}

export interface PlacedEdge extends GraphEdge {
  /** SVG path data from the producer's right side to the consumer's left side. */
  readonly d: string;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly stages: readonly PlacedStage[];
  readonly actions: readonly PlacedAction[];
  readonly jobs: readonly PlacedJob[];
  readonly edges: readonly PlacedEdge[];
  readonly jobByPath: ReadonlyMap<string, PlacedJob>;
}

const isMarker = (s: GraphStage) => (s.type === 'start' || s.type === 'end') && s.actions.length === 0;

function edgePath(from: Box, to: Box): string {
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  if (x2 <= x1) {
    // Same column (an earlier job of the same action): loop out to the right.
    const out = x1 + 24;
    return `M${x1},${y1} C${out},${y1} ${out},${y2} ${x1},${y2}`;
  }
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

/** Lays out a graph; `edges` whose ends are not jobs of the graph are dropped. */
export function layoutGraph(graph: GraphModel): GraphLayout {
  const stages: PlacedStage[] = [];
  const actions: PlacedAction[] = [];
  const jobs: PlacedJob[] = [];
  let x = 20;
  let height = 0;
  graph.stages.forEach((stage, column) => {
    const width = isMarker(stage) || (stage.type === 'pause' && stage.actions.length === 0) ? SIZE.gateColumn : SIZE.columnWidth;
    let y = SIZE.top;
    stage.actions.forEach((action) => {
      const top = y;
      y += SIZE.actionHeader;
      action.jobs.forEach((job) => {
        jobs.push({ path: job.path, name: job.name, ...(job.detail ? { detail: job.detail } : {}), column, x: x + SIZE.actionPadX, y, width: width - 2 * SIZE.actionPadX, height: SIZE.jobHeight });
        y += SIZE.jobHeight + SIZE.jobGap;
      });
      y += SIZE.actionPadBottom - (action.jobs.length > 0 ? SIZE.jobGap : 0);
      actions.push({ id: `${stage.name}.${action.name}`, name: action.name, column, x, y: top, width, height: y - top });
      y += SIZE.actionGap;
    });
    const bottom = Math.max(y, SIZE.top + SIZE.jobHeight + SIZE.actionHeader);
    stages.push({ name: stage.name, type: stage.type, sequencing: stage.sequencing, column, actionCount: stage.actions.length, x, y: 0, width, height: bottom });
    height = Math.max(height, bottom);
    x += width + SIZE.columnGap;
  });
  const jobByPath = new Map(jobs.map((j) => [j.path, j]));
  const edges = graph.edges.flatMap((e): PlacedEdge[] => {
    const from = jobByPath.get(e.from);
    const to = jobByPath.get(e.to);
    return from && to ? [{ ...e, d: edgePath(from, to) }] : [];
  });
  return { width: Math.max(x - SIZE.columnGap + 20, 200), height: height + 20, stages, actions, jobs, edges, jobByPath };
}
