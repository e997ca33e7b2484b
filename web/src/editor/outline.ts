/**
 * The outline of the flow being edited, read from its YAML document (not
 * from the validated model, so it exists while the flow is still invalid):
 * stages → actions → jobs with the nodes they are written in, their names
 * (unnamed jobs named as the parser names them: image or component, else the
 * action, numbered on repeats), outputs and data links. Edits and the graph
 * are computed from it.
 */
import { parseDocument, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { numberNames } from '../../../flow/duplicate-names.ts';
import { isMap, isScalar, isSeq, valueOf } from './yaml-spans.ts';

export interface OutlineJob {
  readonly path: string;
  readonly name: string;
  readonly node: YAMLMap;
  /** The `name:` scalar, absent when the job takes a derived name. */
  readonly nameNode: Scalar | undefined;
  readonly detail: string | undefined;
  readonly outputs: readonly string[];
  /** `ref[OUTPUT]` → ENV entries of `subscriptions`, as written. */
  readonly links: readonly { readonly ref: string; readonly output: string }[];
  readonly stageIndex: number;
  readonly actionIndex: number;
  readonly jobIndex: number;
}

export interface OutlineAction {
  readonly name: string;
  readonly node: YAMLMap;
  readonly nameNode: Scalar | undefined;
  readonly jobs: readonly OutlineJob[];
}

export interface OutlineStage {
  readonly name: string;
  readonly node: YAMLMap;
  readonly nameNode: Scalar | undefined;
  readonly type: string;
  readonly sequencing: 'sequence' | 'parallel';
  readonly actions: readonly OutlineAction[];
}

export interface Outline {
  readonly text: string;
  readonly doc: Document;
  readonly stages: readonly OutlineStage[];
  readonly jobs: readonly OutlineJob[];
}

/** The outline of a YAML text, or the reason there is none (the text does not parse, or is no flow). */
export function readOutline(text: string): { ok: true; outline: Outline } | { ok: false; reason: string } {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length > 0) return { ok: false, reason: doc.errors[0]!.message.split('\n')[0]! };
  if (!isMap(doc.contents)) return { ok: false, reason: 'the document is not a mapping' };
  const stagesNode = valueOf(doc.contents, 'stages');
  const stages: OutlineStage[] = [];
  const jobs: OutlineJob[] = [];
  if (isSeq(stagesNode)) {
    (stagesNode).items.forEach((item, si) => {
      if (!isMap(item)) return;
      const stage = readStage(item, si, jobs);
      stages.push(stage);
    });
  }
  return { ok: true, outline: { text, doc, stages, jobs } };
}

function text(node: Node | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function nameOf(map: YAMLMap): { name: string | undefined; nameNode: Scalar | undefined } {
  const node = valueOf(map, 'name');
  return { name: text(node), nameNode: isScalar(node) ? node : undefined };
}

function readStage(map: YAMLMap, si: number, all: OutlineJob[]): OutlineStage {
  const { name, nameNode } = nameOf(map);
  const stageName = name ?? `stage-${si + 1}`;
  const actionsNode = valueOf(map, 'actions');
  const actionMaps = isSeq(actionsNode) ? (actionsNode).items.filter(isMap) : [];
  const actions = numberNames(actionMaps.map((a) => nameOf(a).name), () => 'action').names.map((actionName, ai) => {
    const node = actionMaps[ai] as YAMLMap;
    const jobsNode = valueOf(node, 'jobs');
    const jobMaps = (isSeq(jobsNode) ? (jobsNode).items.filter(isMap) : []);
    const jobNames = numberNames(jobMaps.map((j) => nameOf(j).name), (i) => baseName(jobMaps[i]!) ?? actionName).names;
    const jobs = jobMaps.map((j, ji): OutlineJob => ({
      path: `${stageName}.${actionName}.${jobNames[ji]!}`,
      name: jobNames[ji]!,
      nameNode: nameOf(j).nameNode,
      node: j,
      detail: deployDetail(j) ?? text(valueOf(j, 'component')) ?? text(valueOf(j, 'endpoint')) ?? (valueOf(j, 'service') ? 'service' : undefined),
      outputs: stringList(valueOf(j, 'outputs') ?? valueOf(j, 'output')),
      links: linksOf(valueOf(j, 'subscriptions')),
      stageIndex: si,
      actionIndex: ai,
      jobIndex: ji,
    }));
    all.push(...jobs);
    return { name: actionName, node, nameNode: nameOf(node).nameNode, jobs };
  });
  const sequencing = text(valueOf(map, 'sequencing')) === 'parallel' ? 'parallel' : 'sequence';
  return { name: stageName, node: map, nameNode, type: text(valueOf(map, 'type')) ?? 'normal', sequencing, actions };
}

function stringList(node: Node | undefined): string[] {
  if (isSeq(node)) return (node).items.map((i) => text(i as Node)).filter((s): s is string => s !== undefined);
  const one = text(node);
  return one === undefined ? [] : one.split(/[\s,]+/).filter(Boolean);
}

const LINK = /^([^[\]\s]+)\[([^[\]\s]+)\]$/;

function linksOf(node: Node | undefined): { ref: string; output: string }[] {
  const maps = isSeq(node) ? (node).items.filter(isMap) : isMap(node) ? [node] : [];
  return maps.flatMap((m) => (m).items.flatMap((p) => {
    const match = LINK.exec(text(p.key as Node) ?? '');
    return match ? [{ ref: match[1]!, output: match[2]! }] : [];
  }));
}

/** The image or component name an unnamed job is named after (as `flow/parse-job.ts` does). */
function baseName(job: YAMLMap): string | undefined {
  const component = text(valueOf(job, 'component'));
  if (component !== undefined) return (component.split('@')[0] ?? component).split('/').pop();
  const image = text(valueOf(job, 'endpoint'));
  if (image === undefined) return undefined;
  const last = (image.split('@')[0] ?? image).split('/').pop() ?? image;
  const base = (last.split(':')[0] ?? last).replace(/[^A-Za-z0-9_-]/g, '-');
  return base === '' ? 'job' : base;
}

/** `deploy → prod (blue-green)` for a deploy job as written (strategy default: rolling). */
function deployDetail(job: YAMLMap): string | undefined {
  if (text(valueOf(job, 'type')) !== 'deploy') return undefined;
  const deploy = valueOf(job, 'deploy');
  if (!isMap(deploy)) return 'deploy';
  const env = text(valueOf(deploy, 'environment'));
  return `deploy → ${env ?? '?'} (${text(valueOf(deploy, 'strategy')) ?? 'rolling'})`;
}
