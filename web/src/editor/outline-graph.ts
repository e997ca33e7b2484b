/**
 * The graph (`web/src/graph/model.ts`) of the flow being edited, from its
 * outline: stages, actions, jobs, and the data links — `subscriptions`
 * entries and `${{ jobs.… }}` references found in each job's text.
 */
import type { GraphEdge, GraphModel } from '../graph/model.ts';
import { resolveJobRef } from '../../../flow/paths.ts';
import type { Outline, OutlineJob } from './outline.ts';

/** `jobs.<ref>.outputs.<name>` or `jobs.<ref>.result`, as `web/src/graph/model.ts` reads them. */
export const JOB_REF = /\bjobs\.([A-Za-z0-9_.-]+?)\.(outputs\.([A-Za-z0-9_-]+)|result)\b/g;

function edgesOf(outline: Outline, job: OutlineJob): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const link of job.links) {
    const found = resolveJobRef(outline.jobs, link.ref);
    if (found.ok && found.path !== job.path) edges.push({ from: found.path, to: job.path, kind: 'subscription', label: link.output });
  }
  const range = job.node.range;
  const source = range ? outline.text.slice(range[0], range[1]) : '';
  for (const m of source.matchAll(JOB_REF)) {
    const found = resolveJobRef(outline.jobs, m[1]!);
    if (!found.ok || found.path === job.path) continue;
    const label = m[3] ?? 'result';
    if (!edges.some((e) => e.from === found.path && e.label === label)) edges.push({ from: found.path, to: job.path, kind: 'expression', label });
  }
  return edges;
}

export function graphOfOutline(outline: Outline): GraphModel {
  return {
    stages: outline.stages.map((s) => ({
      name: s.name,
      type: s.type,
      sequencing: s.sequencing,
      actions: s.actions.map((a) => ({ name: a.name, jobs: a.jobs.map((j) => ({ path: j.path, name: j.name, ...(j.detail ? { detail: j.detail } : {}) })) })),
    })),
    edges: outline.jobs.flatMap((j) => edgesOf(outline, j)),
  };
}
