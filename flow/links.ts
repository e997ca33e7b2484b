/**
 * Data links (`subscriptions`): resolves each reference to a job path and
 * checks that the producing job runs before the consumer, declares the
 * output, and that links form no cycle.
 */
import type { Subscription } from './model.ts';
import type { RawLink } from './parse-job.ts';
import { ambiguousRefMessage, resolveJobRef } from './paths.ts';
import { closestName } from './suggest.ts';
import type { YamlReader } from './yaml-reader.ts';

/** A job with its place in execution order. */
export interface PlacedJob {
  readonly path: string;
  /** The path with the names as written (differs from `path` when a duplicate name was numbered). */
  readonly writtenPath: string;
  readonly name: string;
  readonly stageIndex: number;
  readonly actionIndex: number;
  readonly jobIndex: number;
  /** Whether the job's stage runs its actions in parallel. */
  readonly parallelStage: boolean;
  readonly outputs: readonly string[];
  readonly links: readonly RawLink[];
}

/**
 * Whether `producer` has finished before `consumer` starts: stages run in
 * order; jobs of one action in order; actions of a sequence stage in order;
 * actions of a parallel stage concurrently.
 */
export function runsBefore(producer: PlacedJob, consumer: PlacedJob): boolean {
  if (producer.stageIndex !== consumer.stageIndex) return producer.stageIndex < consumer.stageIndex;
  if (producer.actionIndex === consumer.actionIndex) return producer.jobIndex < consumer.jobIndex;
  return !consumer.parallelStage && producer.actionIndex < consumer.actionIndex;
}

/** Resolves every job's links; problems are reported on `r`. Returns subscriptions by consumer path. */
export function resolveLinks(r: YamlReader, jobs: readonly PlacedJob[]): Map<string, Subscription[]> {
  const byPath = new Map(jobs.map((j) => [j.path, j]));
  const resolved = new Map<string, { link: RawLink; producer: PlacedJob }[]>();

  for (const consumer of jobs) {
    const good: { link: RawLink; producer: PlacedJob }[] = [];
    const envs = new Set<string>();
    for (const link of consumer.links) {
      const found = resolveJobRef(jobs, link.ref);
      if (!found.ok) {
        reportUnresolved(r, link, found.reason, found.candidates, jobs);
        continue;
      }
      const producer = byPath.get(found.path);
      if (producer === undefined) continue;
      if (producer.outputs.length > 0 && !producer.outputs.includes(link.output)) {
        r.report(link.field, `job ${producer.path} does not declare output "${link.output}"; it declares ${producer.outputs.join(', ')}`);
      }
      if (envs.has(link.env)) r.report(link.field, `environment variable ${link.env} already receives another output`);
      envs.add(link.env);
      good.push({ link, producer });
    }
    resolved.set(consumer.path, good);
  }

  const cyclic = cyclicPaths(resolved);
  const out = new Map<string, Subscription[]>();
  for (const consumer of jobs) {
    const subs: Subscription[] = [];
    for (const { link, producer } of resolved.get(consumer.path) ?? []) {
      const cycle = cyclic.get(consumer.path);
      if (producer.path === consumer.path) {
        r.report(link.field, 'a job cannot subscribe to its own outputs');
      } else if (cycle !== undefined && cycle.includes(producer.path)) {
        r.report(link.field, `data links form a cycle: ${[...cycle, cycle[0]].join(' → ')}`);
      } else if (!runsBefore(producer, consumer)) {
        r.report(link.field, orderProblem(producer, consumer));
      }
      subs.push({ from: producer.path, output: link.output, env: link.env });
    }
    out.set(consumer.path, subs);
  }
  return out;
}

function reportUnresolved(r: YamlReader, link: RawLink, reason: 'unknown' | 'ambiguous', candidates: readonly string[], jobs: readonly PlacedJob[]): void {
  if (reason === 'ambiguous') {
    r.report(link.field, ambiguousRefMessage(link.ref, candidates));
    return;
  }
  const hint = closestName(link.ref, [...jobs.map((j) => j.path), ...jobs.map((j) => j.name)]);
  r.report(link.field, `unknown job "${link.ref}"${hint === undefined ? '' : `; did you mean "${hint}"?`}`);
}

function orderProblem(producer: PlacedJob, consumer: PlacedJob): string {
  if (producer.stageIndex === consumer.stageIndex && producer.actionIndex !== consumer.actionIndex && consumer.parallelStage) {
    return `job ${producer.path} runs in parallel with this job (sibling actions of a parallel stage); move it to an earlier stage`;
  }
  return `job ${producer.path} runs after this job; a job can only use outputs of jobs that finish before it starts`;
}

/**
 * Jobs on a cycle of links, each mapped to its cycle (Tarjan's strongly
 * connected components; a self-link is a cycle of one).
 */
function cyclicPaths(graph: ReadonlyMap<string, readonly { producer: PlacedJob }[]>): Map<string, string[]> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out = new Map<string, string[]>();
  let next = 0;

  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const { producer } of graph.get(node) ?? []) {
      const to = producer.path;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.unshift(member);
    } while (member !== node);
    const selfLink = (graph.get(node) ?? []).some((l) => l.producer.path === node);
    if (component.length > 1 || selfLink) for (const m of component) out.set(m, component);
  };

  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return out;
}
