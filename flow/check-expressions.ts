/**
 * Validation of `${{ … }}` expressions and `if:` conditions: syntax, known
 * contexts and properties, job references that resolve to a job that has
 * finished before the expression runs, declared outputs, and secrets only
 * where the job activity (not the workflow) resolves them. Errors point at
 * the expression inside its YAML string when the string is written plainly.
 */
import { isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import {
  ExpressionSyntaxError,
  contextsOf,
  parseCondition,
  parseTemplate,
  readsSecrets,
  references,
  splitJobChain,
  type Expr,
  type ExprReference,
} from './expressions/index.ts';
import { JOB_TEXT_FIELDS, SERVICE_TEXT_FIELDS } from './job-texts.ts';
import type { PlacedJob } from './links.ts';
import { runsBefore } from './links.ts';
import { ambiguousRefMessage, resolveJobRef } from './paths.ts';
import { choiceList, closestName } from './suggest.ts';
import { childPath, type Field, type YamlReader } from './yaml-reader.ts';

const CONTEXTS = ['trigger', 'flow', 'run', 'env', 'secrets', 'inputs', 'jobs'];
/** Flow environments are evaluated before any job runs, outside a job's environment. */
const FLOW_CONTEXTS = CONTEXTS.filter((c) => c !== 'jobs' && c !== 'env');
const PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  flow: ['uri', 'version', 'title'],
  run: ['id', 'number'],
  environment: ['name', 'tier', 'namespace', 'values'],
};
/** Read only by a deploy job's manifest: the target environment (contracts/deploy.ts RenderInput). */
const DEPLOY_CONTEXT = 'environment';
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where an expression sits, which decides what it may read. */
interface ExpressionScope {
  /** `flow` (flow environments), a stage/action `if:`, or a job field. */
  readonly kind: 'flow' | 'condition' | 'job';
  /** Names of `env` (flow environments, and the job's own for job fields). */
  readonly envNames: ReadonlySet<string>;
  /** Names of the flow's inputs (`inputs.NAME`). */
  readonly inputNames: ReadonlySet<string>;
  /** Every job of the flow, for `jobs.<ref>` resolution. */
  readonly jobs: readonly PlacedJob[];
  /** Whether a job has finished before the expression runs. */
  readonly finishedBefore: (producer: PlacedJob) => boolean;
  /** In a service job's url, headers and body: whether `callback.url` exists (the service waits for a callback). */
  readonly callback?: boolean;
  /** In a deploy job's manifest: `environment.*` may be read. */
  readonly deployManifest?: boolean;
}

/** Scope of a stage's `if:` (stageIndex) or an action's (with actionIndex and whether the stage is parallel). */
function conditionScope(jobs: readonly PlacedJob[], sites: ExpressionSites, stageIndex: number, action?: { index: number; parallelStage: boolean }): ExpressionScope {
  return {
    kind: 'condition',
    envNames: sites.envNames,
    inputNames: sites.inputNames,
    jobs,
    finishedBefore: (p) =>
      p.stageIndex < stageIndex ||
      (action !== undefined && p.stageIndex === stageIndex && !action.parallelStage && p.actionIndex < action.index),
  };
}

/** Scope of a job's fields and its `if:`. */
function jobScope(jobs: readonly PlacedJob[], envNames: ReadonlySet<string>, inputNames: ReadonlySet<string>, job: PlacedJob): ExpressionScope {
  return { kind: 'job', envNames, inputNames, jobs, finishedBefore: (p) => runsBefore(p, job) };
}

/** Checks an `if:` field (a string or a boolean). */
function checkConditionField(r: YamlReader, field: Field, scope: ExpressionScope): void {
  if (!isScalar(field.node) || typeof field.node.value !== 'string') return;
  const text = field.node.value;
  let expr: Expr;
  try {
    expr = parseCondition(text);
  } catch (err) {
    if (!(err instanceof ExpressionSyntaxError)) throw err;
    r.reportAt(offsetIn(field, err.offset), field.path, `expression: ${err.message}`);
    return;
  }
  if (readsSecrets(expr)) {
    r.report(field, 'an if: condition cannot read secrets (conditions run in the workflow, where secrets never go)');
  }
  for (const ref of references(expr)) checkReference(r, field, ref.pos, ref, scope);
}

/** Checks every `${{ … }}` in a string field. */
function checkTemplateField(r: YamlReader, field: Field, scope: ExpressionScope): void {
  if (!isScalar(field.node) || typeof field.node.value !== 'string') return;
  const text = field.node.value;
  if (!text.includes('${{')) return;
  let parts;
  try {
    parts = parseTemplate(text);
  } catch (err) {
    if (!(err instanceof ExpressionSyntaxError)) throw err;
    r.reportAt(offsetIn(field, err.offset), field.path, `expression: ${err.message}`);
    return;
  }
  for (const part of parts) {
    if (part.kind !== 'expr') continue;
    const contexts = contextsOf(part.expr);
    if (contexts.has('secrets')) {
      if (scope.kind !== 'job') {
        r.reportAt(offsetIn(field, part.offset), field.path, `secrets can be used only in job fields (${JOB_TEXT_FIELDS.join(', ')})`);
      } else if (contexts.size > 1) {
        // The job activity resolves secrets and knows nothing else of the run.
        r.reportAt(offsetIn(field, part.offset), field.path, 'an expression that reads secrets may read nothing else; split it into separate ${{ }}');
      }
    }
    // The parts' expressions are lexed in place: their positions are already offsets in `text`.
    for (const ref of references(part.expr)) checkReference(r, field, ref.pos, ref, scope);
  }
}

/** Checks the expression-bearing fields of a job mapping: {@link JOB_TEXT_FIELDS}, `service`, `if`. */
function checkJobExpressions(r: YamlReader, jobField: Field, scope: ExpressionScope): void {
  if (!isMap(jobField.node)) return;
  for (const pair of jobField.node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value = pair.value as Node | null;
    if (key === undefined || value === null) continue;
    const field = fieldOf(jobField.path, key, value);
    if (key === 'if') checkConditionField(r, field, scope);
    else if (key === 'service') checkServiceExpressions(r, field, scope);
    else if (key === 'deploy') checkDeployExpressions(r, field, scope);
    else if ((JOB_TEXT_FIELDS as readonly string[]).includes(key)) {
      for (const leaf of leaves(field)) checkTemplateField(r, leaf, scope);
    }
  }
}

/** A service job's `url`, `headers` and `body`, where `callback.url` may be read when the service waits for a callback. */
function checkServiceExpressions(r: YamlReader, serviceField: Field, scope: ExpressionScope): void {
  if (!isMap(serviceField.node)) return;
  const callback: unknown = serviceField.node.get('callback', true);
  const waits = isMap(callback) || (isScalar(callback) && callback.value === true);
  for (const pair of serviceField.node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value = pair.value as Node | null;
    if (value === null || key === undefined || !(SERVICE_TEXT_FIELDS as readonly string[]).includes(key)) continue;
    for (const leaf of leaves(fieldOf(serviceField.path, key, value))) checkTemplateField(r, leaf, { ...scope, callback: waits });
  }
}

/** A deploy job's inline manifest, where `environment.*` may be read too. */
function checkDeployExpressions(r: YamlReader, deployField: Field, scope: ExpressionScope): void {
  if (!isMap(deployField.node)) return;
  const manifest: unknown = deployField.node.get('manifest', true);
  if (!isScalar(manifest)) return;
  checkTemplateField(r, fieldOf(deployField.path, 'manifest', manifest), { ...scope, deployManifest: true });
}

/** String leaves of a value: itself, list items, map values (one level of nesting, as `environments` lists of maps need). */
function leaves(field: Field): Field[] {
  const node = field.node;
  if (isScalar(node)) return [field];
  if (isSeq(node)) return node.items.flatMap((item, i) => (item === null ? [] : leaves(fieldOf(field.path, i, item as Node))));
  if (isMap(node)) {
    return node.items.flatMap((pair) => {
      const value = pair.value as Node | null;
      if (value === null || !isScalar(pair.key)) return [];
      return leaves(fieldOf(field.path, String(pair.key.value), value));
    });
  }
  return [];
}

function fieldOf(parent: string, key: string | number, node: Node): Field {
  return { path: childPath(parent, key), node, offset: node.range?.[0] ?? 0 };
}

/**
 * Source offset of position `index` of a scalar's value: exact when the
 * scalar is written on one line without escapes (plain or quoted), else the
 * start of the field.
 */
function offsetIn(field: Field, index: number): number {
  const node = field.node;
  if (!(node instanceof Scalar) || typeof node.value !== 'string' || node.range === undefined || node.range === null) return field.offset;
  const [start, end] = node.range;
  const length = node.value.length;
  if (node.type === Scalar.PLAIN && end - start === length) return start + index;
  if ((node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && end - start === length + 2) return start + 1 + index;
  return field.offset;
}

function checkReference(r: YamlReader, field: Field, at: number, ref: ExprReference, scope: ExpressionScope): void {
  const report = (message: string): void => r.reportAt(offsetIn(field, at), field.path, `expression: ${message}`);
  const [context = '', first, ...rest] = ref.segments;
  if (context === 'callback') {
    if (scope.callback === undefined) report('"callback" can be used only in the url, headers and body of a service job that waits for a callback');
    else if (!scope.callback) report('callback.url needs "callback: true" (or { timeout }) on the service: without it nothing calls back');
    else if (first !== 'url' || rest.length > 0) report('"callback" has one property: url');
    return;
  }
  if (context === DEPLOY_CONTEXT) {
    const props = PROPERTIES[context] ?? [];
    if (scope.deployManifest !== true) report('"environment" can be used only in a deploy job\'s manifest');
    else if (first !== undefined && !props.includes(first)) report(`"environment" has no property "${first}"; it has ${props.join(', ')}`);
    return;
  }
  if (!CONTEXTS.includes(context)) {
    const allowed = scope.kind === 'flow' ? FLOW_CONTEXTS : CONTEXTS;
    const hint = closestName(context, allowed);
    report(`unknown context "${context}"${hint === undefined ? '' : `; did you mean "${hint}"?`}; expressions may use ${allowed.join(', ')}`);
    return;
  }
  if (scope.kind === 'flow' && !FLOW_CONTEXTS.includes(context)) {
    report(`flow environments cannot read "${context}"; use ${choiceList(FLOW_CONTEXTS)}`);
    return;
  }
  const props = PROPERTIES[context];
  if (props !== undefined && first !== undefined && !props.includes(first)) {
    report(`"${context}" has no property "${first}"; it has ${props.join(', ')}`);
    return;
  }
  if (context === 'env' && first !== undefined && !scope.envNames.has(first)) {
    const hint = closestName(first, [...scope.envNames]);
    report(`unknown environment variable "${first}"${hint === undefined ? '' : `; did you mean "${hint}"?`} (env holds the flow's environments)`);
    return;
  }
  if (context === 'inputs' && first !== undefined && !scope.inputNames.has(first)) {
    const hint = closestName(first, [...scope.inputNames]);
    const declared = scope.inputNames.size === 0 ? 'the flow declares no inputs' : `the flow declares ${[...scope.inputNames].join(', ')}`;
    report(`unknown input "${first}"${hint === undefined ? '' : `; did you mean "${hint}"?`} (${declared} under "inputs:")`);
    return;
  }
  if (context === 'secrets') {
    if (first === undefined) report('name one secret: secrets.NAME');
    else if (!SECRET_NAME.test(first)) report(`"${first}" is not a secret name (letters, digits and _)`);
    return;
  }
  if (context === 'jobs' && first !== undefined) checkJobReference(report, ref.segments, scope);
  void rest;
}

function checkJobReference(report: (message: string) => void, segments: readonly string[], scope: ExpressionScope): void {
  const split = splitJobChain(segments);
  if (split === undefined) {
    report(`write jobs.<stage.action.job>.outputs.<KEY> or jobs.<job>.result, got "${segments.join('.')}"`);
    return;
  }
  const found = resolveJobRef(scope.jobs, split.ref);
  if (!found.ok) {
    if (found.reason === 'ambiguous') {
      report(ambiguousRefMessage(split.ref, found.candidates));
      return;
    }
    const hint = closestName(split.ref, [...scope.jobs.map((j) => j.path), ...scope.jobs.map((j) => j.name)]);
    report(`unknown job "${split.ref}"${hint === undefined ? '' : `; did you mean "${hint}"?`}`);
    return;
  }
  const producer = scope.jobs.find((j) => j.path === found.path);
  if (producer === undefined) return;
  if (!scope.finishedBefore(producer)) {
    report(`job ${producer.path} has not finished when this expression runs; only jobs that finish before it can be read`);
    return;
  }
  const [field, key] = split.rest;
  if (field === 'outputs' && key !== undefined && producer.outputs.length > 0 && !producer.outputs.includes(key)) {
    report(`job ${producer.path} does not declare output "${key}"; it declares ${producer.outputs.join(', ')}`);
  }
}

/** Where a flow's expressions are, as the parser read them. */
export interface ExpressionSites {
  readonly flowEnvironments: Field | undefined;
  /** Names of the flow's environments. */
  readonly envNames: ReadonlySet<string>;
  /** Names of the flow's inputs (`inputs:`). */
  readonly inputNames: ReadonlySet<string>;
  readonly stages: readonly {
    readonly ifField?: Field | undefined;
    readonly parallel: boolean;
    readonly actions: readonly {
      readonly ifField?: Field | undefined;
      /** Each job's mapping, its path, and its env names (flow and job environments). */
      readonly jobs: readonly { readonly field: Field; readonly path: string; readonly envNames: ReadonlySet<string> }[];
    }[];
  }[];
}

/** Checks every expression of a flow: flow environments, stage/action/job `if:`, and job fields. */
export function checkFlowExpressions(r: YamlReader, sites: ExpressionSites, jobs: readonly PlacedJob[]): void {
  const flowScope: ExpressionScope = { kind: 'flow', envNames: sites.envNames, inputNames: sites.inputNames, jobs, finishedBefore: () => false };
  if (sites.flowEnvironments !== undefined) for (const leaf of leaves(sites.flowEnvironments)) checkTemplateField(r, leaf, flowScope);
  for (const [stageIndex, stage] of sites.stages.entries()) {
    if (stage.ifField !== undefined) checkConditionField(r, stage.ifField, conditionScope(jobs, sites, stageIndex));
    for (const [actionIndex, action] of stage.actions.entries()) {
      if (action.ifField !== undefined) {
        checkConditionField(r, action.ifField, conditionScope(jobs, sites, stageIndex, { index: actionIndex, parallelStage: stage.parallel }));
      }
      for (const job of action.jobs) {
        const placed = jobs.find((j) => j.path === job.path);
        if (placed !== undefined) checkJobExpressions(r, job.field, jobScope(jobs, job.envNames, sites.inputNames, placed));
      }
    }
  }
}
