/**
 * The graph the UI draws for a flow: stages in order, their actions, the
 * jobs inside, and the data links between jobs. Built from a stored flow
 * (`graphOfSpec`, the run page) or from the text being edited (the editor
 * builds the same shape from its YAML document). Drawing never reads a
 * FlowSpec: only this.
 */
import type { FlowSpec, JobSpec } from '../../../flow/model.ts';
import { jobTexts } from '../../../flow/job-texts.ts';
import { resolveJobRef } from '../../../flow/paths.ts';

export interface GraphJob {
  /** `stage.action.job`: the id every decoration and selection uses. */
  readonly path: string;
  readonly name: string;
  /** What it runs, in a few words (component, image, `service`). */
  readonly detail?: string;
}

export interface GraphAction {
  readonly name: string;
  readonly jobs: readonly GraphJob[];
}

export interface GraphStage {
  readonly name: string;
  /** `start`, `end`, `pause` (an approval gate) or a normal stage. */
  readonly type: string;
  /** How the stage runs its actions. */
  readonly sequencing: 'sequence' | 'parallel';
  readonly actions: readonly GraphAction[];
}

/** A data link: `to` reads an output of `from`. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** `subscription` (ContainerOps style) or `expression` (`${{ jobs.….outputs.… }}`). */
  readonly kind: 'subscription' | 'expression';
  readonly label: string;
}

export interface GraphModel {
  readonly stages: readonly GraphStage[];
  readonly edges: readonly GraphEdge[];
}

const JOB_OUTPUT_REF = /\bjobs\.([A-Za-z0-9_.-]+?)\.(outputs\.([A-Za-z0-9_-]+)|result)\b/g;

function detailOf(job: JobSpec): string | undefined {
  if (job.kind === 'deploy') return job.deploy ? `deploy → ${job.deploy.environment} (${job.deploy.strategy})` : 'deploy';
  const runs = job.kind === 'service' ? `service ${job.service?.method ?? ''}`.trim() : job.component ? `${job.component.namespace}/${job.component.name}@${job.component.version}` : job.image;
  // A `deployment:` mark: the job deploys by itself, and says where.
  return job.deployment ? `${runs ?? ''} → ${job.deployment.environment}`.trim() : runs;
}

/** Edges of one job: its subscriptions, then the jobs its expressions read. */
function edgesOf(job: JobSpec, jobs: readonly JobSpec[]): GraphEdge[] {
  const edges: GraphEdge[] = job.subscriptions.map((s) => ({ from: s.from, to: job.path, kind: 'subscription' as const, label: s.output }));
  const texts = [...jobTexts(job), ...(job.if ? [job.if] : [])];
  for (const text of texts) {
    for (const m of text.matchAll(JOB_OUTPUT_REF)) {
      const found = resolveJobRef(jobs, m[1]!);
      if (!found.ok || found.path === job.path) continue;
      const label = m[3] ?? 'result';
      if (!edges.some((e) => e.from === found.path && e.label === label)) edges.push({ from: found.path, to: job.path, kind: 'expression', label });
    }
  }
  return edges;
}

/** The graph of a stored flow version. */
export function graphOfSpec(spec: FlowSpec): GraphModel {
  const jobs = spec.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs));
  return {
    stages: spec.stages.map((s) => ({
      name: s.name,
      type: s.type,
      sequencing: s.sequencing === 'parallel' ? 'parallel' : 'sequence',
      actions: s.actions.map((a) => ({ name: a.name, jobs: a.jobs.map((j) => ({ path: j.path, name: j.name, ...(detailOf(j) ? { detail: detailOf(j)! } : {}) })) })),
    })),
    edges: jobs.flatMap((j) => edgesOf(j, jobs)),
  };
}
