/**
 * The edits the graph offers — add, remove, rename, move a stage, action or
 * job, and link an output of one job to a later one — as text edits of the
 * YAML being edited (see `yaml-spans.ts`): only the text that changes.
 * A refused edit throws `EditRefused` with the reason to show.
 */
import type { YAMLMap, YAMLSeq } from 'yaml';
import type { Outline, OutlineAction, OutlineJob, OutlineStage } from './outline.ts';
import { referenceEdits } from './rename-refs.ts';
import { columnOf, type TextEdit } from './text-edit.ts';
import { addPair, appendItem, blockPairSpan, insertItem, isMap, isSeq, pairOf, removeItem, removePair, replaceScalar, swapItems, valueOf } from './yaml-spans.ts';
import { blockPair, type NewValue } from './yaml-write.ts';

export class EditRefused extends Error {
  override readonly name = 'EditRefused';
}

/** What an edit applies to: a stage by name, an action as `stage.action`, a job by path. */
export interface Target {
  readonly kind: 'stage' | 'action' | 'job';
  readonly id: string;
}

/** The image new jobs run: the shell component every example uses. */
export const NEW_JOB_IMAGE = 'coflow/shell:1.0.0';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const OUTPUT = /^[A-Za-z0-9_-]+$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const newJob = (name: string): NewValue => ({ name, endpoint: NEW_JOB_IMAGE, script: `echo ${name}` });
const newAction = (name: string): NewValue => ({ name, jobs: [newJob(name)] });

function checkName(name: string, siblings: readonly { name: string }[], kind: string): void {
  if (!NAME.test(name)) throw new EditRefused(`"${name}" is not a valid ${kind} name; use letters, digits, "-" and "_"`);
  if (siblings.some((s) => s.name === name)) throw new EditRefused(`there is already a ${kind} named "${name}" here`);
}

function stageOf(outline: Outline, name: string): OutlineStage {
  const stage = outline.stages.find((s) => s.name === name);
  if (!stage) throw new EditRefused(`no stage "${name}"`);
  return stage;
}

function actionOf(outline: Outline, id: string): { stage: OutlineStage; action: OutlineAction } {
  const dot = id.indexOf('.');
  const stage = stageOf(outline, id.slice(0, dot));
  const action = stage.actions.find((a) => a.name === id.slice(dot + 1));
  if (!action) throw new EditRefused(`no action "${id}"`);
  return { stage, action };
}

function jobOf(outline: Outline, path: string): { stage: OutlineStage; action: OutlineAction; job: OutlineJob } {
  const job = outline.jobs.find((j) => j.path === path);
  if (!job) throw new EditRefused(`no job "${path}"`);
  const stage = outline.stages[job.stageIndex]!;
  return { stage, action: stage.actions[job.actionIndex]!, job };
}

function stagesSeq(outline: Outline): YAMLSeq | undefined {
  const node = valueOf(outline.doc.contents, 'stages');
  if (node !== undefined && !isSeq(node)) throw new EditRefused('"stages" is not a list');
  return node;
}

/** Appends `value` to the list under `key` of `map`, creating the key when missing. */
function appendUnder(text: string, map: YAMLMap, key: string, value: NewValue): TextEdit {
  const pair = pairOf(map, key);
  const node = valueOf(map, key);
  if (pair === undefined) return addPair(text, map, key, [value]);
  if (node === undefined || (!isSeq(node) && (node as { value?: unknown }).value === null)) {
    // `key:` written with no value: the pair's lines become the key and a list.
    if (map.flow) throw new EditRefused(`"${key}" has no value`);
    const [from, to] = blockPairSpan(text, pair);
    return { from, to, insert: blockPair(key, [value], columnOf(text, from + (text.slice(from).search(/\S/)))) };
  }
  if (!isSeq(node)) throw new EditRefused(`"${key}" is not a list`);
  return appendItem(text, node, value);
}

/** Adds a stage after `after` (a stage name), else before the end stage, else last. */
export function addStage(outline: Outline, name: string, after?: string): TextEdit[] {
  checkName(name, outline.stages, 'stage');
  const value: NewValue = { name };
  const root = outline.doc.contents as YAMLMap;
  const node = valueOf(root, 'stages');
  if (!isSeq(node)) return [appendUnder(outline.text, root, 'stages', value)];
  const seq = node;
  const at = after === undefined ? outline.stages.findIndex((s) => s.type === 'end') : outline.stages.findIndex((s) => s.name === after) + 1;
  const index = at < 0 || at >= outline.stages.length ? -1 : seq.items.indexOf(outline.stages[at]!.node);
  return [index < 0 ? appendItem(outline.text, seq, value) : insertItem(outline.text, seq, index, value)];
}

/** Adds an action (with one job) at the end of a stage. */
export function addAction(outline: Outline, stageName: string, name: string): TextEdit[] {
  const stage = stageOf(outline, stageName);
  if (stage.type === 'start' || stage.type === 'pause') throw new EditRefused(`a ${stage.type} stage has no actions`);
  checkName(name, stage.actions, 'action');
  return [appendUnder(outline.text, stage.node, 'actions', newAction(name))];
}

/** Adds a job at the end of an action (`stage.action`). */
export function addJob(outline: Outline, actionId: string, name: string): TextEdit[] {
  const { action } = actionOf(outline, actionId);
  checkName(name, action.jobs, 'job');
  return [appendUnder(outline.text, action.node, 'jobs', newJob(name))];
}

/** Removes a stage, action or job (the last job of an action is removed with its action). */
export function removeNode(outline: Outline, target: Target): TextEdit[] {
  const text = outline.text;
  if (target.kind === 'stage') {
    const seq = stagesSeq(outline)!;
    return [removeItem(text, seq, seq.items.indexOf(stageOf(outline, target.id).node))];
  }
  if (target.kind === 'action') {
    const { stage, action } = actionOf(outline, target.id);
    const seq = valueOf(stage.node, 'actions') as YAMLSeq;
    if (stage.actions.length === 1 && !seq.flow) return [removePair(text, stage.node, pairOf(stage.node, 'actions')!)];
    return [removeItem(text, seq, seq.items.indexOf(action.node))];
  }
  const { action, job } = jobOf(outline, target.id);
  if (action.jobs.length === 1) throw new EditRefused(`an action needs at least one job: remove action "${action.name}" instead`);
  const seq = valueOf(action.node, 'jobs') as YAMLSeq;
  return [removeItem(text, seq, seq.items.indexOf(job.node))];
}

/** Renames a stage, action or job, and rewrites every reference to it. */
export function renameNode(outline: Outline, target: Target, to: string): TextEdit[] {
  let node: { node: YAMLMap; nameNode: OutlineStage['nameNode'] };
  let siblings: readonly { name: string }[];
  if (target.kind === 'stage') {
    node = stageOf(outline, target.id);
    siblings = outline.stages;
  } else if (target.kind === 'action') {
    const found = actionOf(outline, target.id);
    node = found.action;
    siblings = found.stage.actions;
  } else {
    const found = jobOf(outline, target.id);
    node = found.job;
    siblings = found.action.jobs;
  }
  checkName(to, siblings, target.kind);
  const own = node.nameNode ? replaceScalar(node.nameNode, to) : addPair(outline.text, node.node, 'name', to, true);
  return [own, ...referenceEdits(outline, { kind: target.kind, path: target.id, to })];
}

/** Moves a stage left/right, an action or job up/down (`by` = -1 or 1) within its parent. */
export function moveNode(outline: Outline, target: Target, by: -1 | 1): TextEdit[] {
  let seq: YAMLSeq;
  let node: YAMLMap;
  if (target.kind === 'stage') {
    seq = stagesSeq(outline)!;
    node = stageOf(outline, target.id).node;
  } else if (target.kind === 'action') {
    const { stage, action } = actionOf(outline, target.id);
    seq = valueOf(stage.node, 'actions') as YAMLSeq;
    node = action.node;
  } else {
    const { action, job } = jobOf(outline, target.id);
    seq = valueOf(action.node, 'jobs') as YAMLSeq;
    node = job.node;
  }
  const index = seq.items.indexOf(node);
  const other = index + by;
  if (other < 0 || other >= seq.items.length || !isMap(seq.items[other])) throw new EditRefused(`the ${target.kind} is already ${by < 0 ? 'first' : 'last'}`);
  return [swapItems(outline.text, seq, Math.min(index, other))];
}

export interface Link {
  /** Producer job path. */
  readonly from: string;
  readonly output: string;
  /** Consumer job path. */
  readonly to: string;
  /** The consumer's environment variable that receives the output. */
  readonly env: string;
}

/** Whether `producer` has ended before `consumer` starts (the rule of `flow/links.ts`). */
function runsBefore(outline: Outline, producer: OutlineJob, consumer: OutlineJob): boolean {
  if (producer.stageIndex !== consumer.stageIndex) return producer.stageIndex < consumer.stageIndex;
  if (producer.actionIndex === consumer.actionIndex) return producer.jobIndex < consumer.jobIndex;
  return outline.stages[consumer.stageIndex]!.sequencing !== 'parallel' && producer.actionIndex < consumer.actionIndex;
}

/** Links an output of a job to a later job: a `subscriptions` entry on the consumer; the output declared on the producer if missing. */
export function linkOutput(outline: Outline, link: Link): TextEdit[] {
  const producer = jobOf(outline, link.from).job;
  const consumer = jobOf(outline, link.to).job;
  if (!OUTPUT.test(link.output)) throw new EditRefused(`"${link.output}" is not a valid output name`);
  if (!ENV.test(link.env)) throw new EditRefused(`"${link.env}" is not a valid environment variable name`);
  if (!runsBefore(outline, producer, consumer)) throw new EditRefused(`job ${link.to} does not run after ${link.from}: link to a later job`);
  if (consumer.links.some((l) => l.output === link.output && l.ref === link.from)) throw new EditRefused(`${link.to} already reads ${link.output} of ${link.from}`);
  const edits: TextEdit[] = [];
  if (!producer.outputs.includes(link.output)) {
    const outputs = valueOf(producer.node, 'outputs') ?? valueOf(producer.node, 'output');
    if (outputs !== undefined && !isSeq(outputs)) throw new EditRefused(`the outputs of ${link.from} are not a list`);
    edits.push(outputs === undefined ? addPair(outline.text, producer.node, 'outputs', [link.output]) : appendItem(outline.text, outputs, link.output));
  }
  const entry = { [`${link.from}[${link.output}]`]: link.env };
  const subs = valueOf(consumer.node, 'subscriptions');
  if (subs === undefined) edits.push(addPair(outline.text, consumer.node, 'subscriptions', [entry]));
  else if (isSeq(subs)) edits.push(appendItem(outline.text, subs, entry));
  else if (isMap(subs)) edits.push(addPair(outline.text, subs, `${link.from}[${link.output}]`, link.env));
  else throw new EditRefused(`the subscriptions of ${link.to} are not a list`);
  return edits;
}
