/**
 * Parses and validates a flow file (SPEC §2, a superset of the ContainerOps
 * flow format) into the normalised {@link FlowSpec}. Every problem is
 * collected with its path and line:column before anything is returned.
 */
import { isMap, isScalar } from 'yaml';
import { flowNamespace } from './environments.ts';
import { checkDeployTargets, type DeployTarget, type KnownEnvironments } from './check-environments.ts';
import { isDeployJob, readDeployJob } from './parse-deploy.ts';
import { FlowValidationError } from './errors.ts';
import type { FlowIssue } from './errors.ts';
import { checkFlowExpressions, type ExpressionSites } from './check-expressions.ts';
import { resolveLinks } from './links.ts';
import type { PlacedJob } from './links.ts';
import { APPROVAL_TIMEOUT_OUTCOMES, SEQUENCINGS, STAGE_TYPES, type ActionSpec, type ApprovalSpec, type FlowSpec, type JobSpec, type Sequencing, type StageSpec, type StageType } from './model.ts';
import { readEnvironments, readJob } from './parse-job.ts';
import { isServiceJob, readServiceJob } from './parse-service.ts';
import type { DraftJob, JobDefaults } from './parse-job.ts';
import { readConcurrency, readTriggers } from './parse-triggers.ts';
import { readYamlFile } from './read-yaml-file.ts';
import { readReceivers } from './parse-receivers.ts';
import { readFlowInputs } from './parse-inputs.ts';
import { distinctNames } from './duplicate-names.ts';
import { jobPath } from './paths.ts';
import { readCondition, readDuration, readName } from './read-values.ts';
import type { YamlReader } from './yaml-reader.ts';
import type { Field, MapFields } from './yaml-reader.ts';

/** Options for {@link parseFlow}. */
export interface ParseFlowOptions extends ValidateFlowOptions {
  /** File name shown in error messages. */
  readonly file?: string;
}

/** Options for {@link validateFlow}. */
export interface ValidateFlowOptions {
  /**
   * The environments file of the flow's namespace, `null` when it has none:
   * deploy targets are checked against it. Absent: they cannot be checked
   * (offline validation), and a warning says so.
   */
  readonly environments?: KnownEnvironments;
}

/**
 * Outcome of {@link validateFlow}. `warnings` are kept leniencies (e.g. a
 * duplicate action name ContainerOps accepted), located like issues.
 */
export type FlowValidation =
  | { readonly ok: true; readonly flow: FlowSpec; readonly warnings: readonly FlowIssue[] }
  | { readonly ok: false; readonly issues: readonly FlowIssue[]; readonly warnings: readonly FlowIssue[] };

const FLOW_FIELDS = [
  'uri', 'title', 'version', 'tag', 'timeout', 'environments', 'workspace', 'triggers', 'concurrency', 'receivers', 'inputs', 'stages',
  // ContainerOps: `namespace` (Kubernetes namespace of the demo flows), and run state
  // (`number`, `status`, `logs`) written into runtime copies of a flow. Accepted, ignored.
  'namespace', 'number', 'status', 'logs',
];
const STAGE_FIELDS = ['type', 'name', 'title', 'sequencing', 'actions', 'if', 'approval', 'status', 'logs'];
const ACTION_FIELDS = ['name', 'title', 'jobs', 'if', 'status', 'logs'];

/**
 * Parses a flow file into a {@link FlowSpec}.
 *
 * @throws FlowValidationError listing every problem (YAML syntax, unknown
 * fields, bad values, duplicate names, bad data links), each with its path and line:column.
 */
export function parseFlow(yamlText: string, opts: ParseFlowOptions = {}): FlowSpec {
  const result = validateFlow(yamlText, opts);
  if (!result.ok) throw new FlowValidationError(result.issues, opts.file);
  return result.flow;
}

/** Like {@link parseFlow}, and also returns the warnings (kept leniencies, located like issues). */
export function parseFlowWithWarnings(yamlText: string, opts: ParseFlowOptions = {}): { flow: FlowSpec; warnings: readonly FlowIssue[] } {
  const result = validateFlow(yamlText, opts);
  if (!result.ok) throw new FlowValidationError(result.issues, opts.file);
  return { flow: result.flow, warnings: result.warnings };
}

/** Like {@link parseFlow}, but returns the issues instead of throwing. */
export function validateFlow(yamlText: string, opts: ValidateFlowOptions = {}): FlowValidation {
  const outcome = readYamlFile(yamlText, (r) => readFlow(r, opts.environments));
  return outcome.ok ? { ok: true, flow: outcome.value, warnings: outcome.warnings } : outcome;
}

function readFlow(r: YamlReader, known: KnownEnvironments): FlowSpec | undefined {
  const root = r.root();
  if (root.node === null) {
    r.report(root, 'the flow file is empty');
    return undefined;
  }
  const m = r.map(root, FLOW_FIELDS);
  if (m === undefined) return undefined;

  const uri = readUri(r, m);
  const titleField = m.get('title');
  const title = titleField === undefined ? undefined : r.text(titleField);
  for (const key of ['version', 'tag', 'namespace']) {
    const f = m.get(key);
    if (f !== undefined) r.text(f);
  }
  const timeoutField = m.get('timeout');
  const timeoutMs = (timeoutField === undefined ? undefined : readDuration(r, timeoutField)) ?? 0;
  const environments = readEnvironments(r, m.get('environments'));
  const workspaceField = m.get('workspace');
  const workspace = (workspaceField === undefined ? undefined : r.boolean(workspaceField)) ?? false;
  const receiversField = m.get('receivers');
  const receivers = receiversField === undefined ? [] : readReceivers(r, receiversField);
  const triggersField = m.get('triggers');
  const triggers = triggersField === undefined ? [] : readTriggers(r, triggersField);
  const inputsField = m.get('inputs');
  const { inputs, names: inputNames } = inputsField === undefined ? { inputs: {}, names: new Set<string>() } : readFlowInputs(r, inputsField, triggers);

  const concurrencyField = m.get('concurrency');
  const concurrency = concurrencyField === undefined ? undefined : readConcurrency(r, concurrencyField);

  const stages = readStages(r, m, { environments, workspace, flowUri: uri }, inputNames, known);
  return {
    uri, ...(title === undefined ? {} : { title }), timeoutMs, environments, stages,
    ...(concurrency ? { concurrency } : {}), ...(triggers.length > 0 ? { triggers } : {}), ...(receivers.length > 0 ? { receivers } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
  };
}

function readUri(r: YamlReader, m: MapFields): string {
  const f = m.get('uri');
  if (f === undefined) {
    r.report(m.missing('uri'), 'a flow needs a "uri": namespace/repository/name');
    return '';
  }
  const uri = r.string(f);
  if (uri !== undefined && !/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(uri)) {
    r.report(f, `"${uri}" is not a flow uri; expected namespace/repository/name`);
  }
  return uri ?? '';
}

/** Reads stages, names unnamed jobs, resolves data links, and assembles the model. */
function readStages(r: YamlReader, m: MapFields, defaults: JobDefaults, inputNames: ReadonlySet<string>, known: KnownEnvironments): StageSpec[] {
  const f = m.get('stages');
  if (f === undefined) {
    r.report(m.missing('stages'), 'a flow needs at least one stage');
    return [];
  }
  const items = r.seq(f);
  if (items === undefined) return [];
  if (items.length === 0) r.report(f, 'a flow needs at least one stage');

  const drafts: DraftStage[] = [];
  const stageNames = new Map<string, Field>();
  for (const item of items) {
    const stage = readStage(r, item, defaults);
    if (stage === undefined) continue;
    if (stage.name !== undefined) {
      if (stageNames.has(stage.name)) r.report(stage.nameField ?? item, `duplicate stage name "${stage.name}"`);
      else stageNames.set(stage.name, item);
    }
    drafts.push(stage);
  }

  const placed: PlacedJob[] = [];
  for (const [stageIndex, stage] of drafts.entries()) {
    for (const [actionIndex, action] of stage.actions.entries()) {
      for (const [jobIndex, job] of action.jobs.entries()) {
        placed.push({
          path: jobPath(stage.name ?? '', action.name ?? '', job.name),
          writtenPath: jobPath(stage.name ?? '', action.writtenName ?? '', job.writtenName),
          name: job.name,
          stageIndex,
          actionIndex,
          jobIndex,
          parallelStage: stage.sequencing === 'parallel',
          outputs: job.draft.spec.outputs,
          links: job.draft.links,
        });
      }
    }
  }
  if (placed.length === 0 && items.length > 0) r.report(f, 'a flow needs at least one job');
  const links = resolveLinks(r, placed);
  checkFlowExpressions(r, { ...expressionSites(m, defaults, drafts), inputNames }, placed);

  const stages = drafts.map((stage) => ({
    name: stage.name ?? '',
    ...(stage.title === undefined ? {} : { title: stage.title }),
    type: stage.type,
    sequencing: stage.sequencing,
    ...(stage.approval === undefined ? {} : { approval: stage.approval }),
    ...(stage.condition === undefined ? {} : { if: stage.condition }),
    actions: stage.actions.map(
      (action): ActionSpec => ({
        name: action.name ?? '',
        ...(action.title === undefined ? {} : { title: action.title }),
        ...(action.condition === undefined ? {} : { if: action.condition }),
        jobs: action.jobs.map((job): JobSpec => {
          const path = jobPath(stage.name ?? '', action.name ?? '', job.name);
          return { name: job.name, path, ...job.draft.spec, subscriptions: links.get(path) ?? [] };
        }),
      }),
    ),
  }));
  checkDeployTargets(r, known, flowNamespace(defaults.flowUri), deployTargets(drafts), stages, m);
  return stages;
}

/** The jobs that deploy (deploy jobs and `deployment:` marks), with where their environment is written. */
function deployTargets(drafts: readonly DraftStage[]): DeployTarget[] {
  return drafts.flatMap((stage, stageIndex) =>
    stage.actions.flatMap((action) =>
      action.jobs.flatMap((job): DeployTarget[] => {
        const spec = job.draft.spec;
        const environment = spec.deploy?.environment ?? spec.deployment?.environment;
        const node = job.draft.field.node;
        const block: unknown = isMap(node) ? node.get(spec.kind === 'deploy' ? 'deploy' : 'deployment', true) : undefined;
        const at: unknown = isMap(block) ? block.get('environment', true) : undefined;
        if (environment === undefined || !isScalar(at)) return [];
        const where = spec.kind === 'deploy' ? 'deploy.environment' : 'deployment.environment';
        const field: Field = { path: `${job.draft.field.path}.${where}`, node: at, offset: at.range?.[0] ?? job.draft.field.offset };
        return [{ environment, field, stageIndex, jobPath: jobPath(stage.name ?? '', action.name ?? '', job.name) }];
      }),
    ),
  );
}

interface DraftStage {
  readonly name: string | undefined;
  readonly nameField: Field | undefined;
  readonly title: string | undefined;
  readonly type: StageType;
  readonly sequencing: Sequencing;
  readonly actions: readonly DraftAction[];
  readonly approval: ApprovalSpec | undefined;
  readonly ifField?: Field | undefined;
  readonly condition?: string | undefined;
}

interface DraftAction {
  /** The action's name in paths: as written, or numbered when the stage repeats it. */
  readonly name: string | undefined;
  readonly writtenName: string | undefined;
  readonly title: string | undefined;
  /** Jobs with their names in paths, and as written (a derived name when none was). */
  readonly jobs: readonly { readonly name: string; readonly writtenName: string; readonly draft: DraftJob }[];
  readonly ifField?: Field | undefined;
  readonly condition?: string | undefined;
}

/** The flow's expression-bearing fields, for checkFlowExpressions. */
function expressionSites(m: MapFields, defaults: JobDefaults, drafts: readonly DraftStage[]): Omit<ExpressionSites, 'inputNames'> {
  return {
    flowEnvironments: m.get('environments'),
    envNames: new Set(Object.keys(defaults.environments)),
    stages: drafts.map((stage) => ({
      ifField: stage.ifField,
      parallel: stage.sequencing === 'parallel',
      actions: stage.actions.map((action) => ({
        ifField: action.ifField,
        jobs: action.jobs.map((job) => ({
          field: job.draft.field,
          path: jobPath(stage.name ?? '', action.name ?? '', job.name),
          envNames: new Set(Object.keys(job.draft.spec.environments)),
        })),
      })),
    })),
  };
}

function readStage(r: YamlReader, field: Field, defaults: JobDefaults): DraftStage | undefined {
  // ContainerOps files leave stray `-` items in lists; Go read them as empty structs.
  if (field.node === null) return undefined;
  const m = r.map(field, STAGE_FIELDS);
  if (m === undefined) return undefined;
  const nameField = m.get('name');
  const name = nameField === undefined ? undefined : readName(r, nameField);
  if (nameField === undefined) r.report(m.missing('name'), 'a stage needs a name');
  const typeField = m.get('type');
  const type = (typeField === undefined ? undefined : r.oneOf(typeField, STAGE_TYPES)) ?? 'normal';
  const seqField = m.get('sequencing');
  const sequencing = (seqField === undefined ? undefined : r.oneOf(seqField, SEQUENCINGS)) ?? 'sequence';
  const titleField = m.get('title');
  const title = titleField === undefined ? undefined : r.text(titleField);
  const ifField = m.get('if');
  const condition = ifField === undefined ? undefined : readCondition(r, ifField);

  const approvalField = m.get('approval');
  let approval: ApprovalSpec | undefined;
  if (approvalField !== undefined) {
    if (type !== 'pause') r.report(approvalField, 'only a pause stage takes an approval');
    else approval = readApproval(r, approvalField);
  }
  const actionsField = m.get('actions');
  if (actionsField !== undefined && (type === 'start' || type === 'pause')) {
    r.report(actionsField, `a ${type} stage has no actions`);
    return { name, nameField, title, type, sequencing, actions: [], approval, ifField, condition };
  }
  const read = (actionsField === undefined ? [] : (r.seq(actionsField) ?? [])).flatMap((item) => readAction(r, item, defaults) ?? []);
  // A nameless action was reported; it keeps no name rather than a made-up one.
  const named = read.filter((a) => a.name !== undefined);
  const names = distinctNames(r, named, { child: 'action', parent: `stage "${name ?? ''}"`, fallbackBase: 'action' });
  const actions = read.map((a): DraftAction => ({ ...a, writtenName: a.name, name: a.name === undefined ? undefined : names[named.indexOf(a)] }));
  return { name, nameField, title, type, sequencing, actions, approval, ifField, condition };
}

function readApproval(r: YamlReader, field: Field): ApprovalSpec | undefined {
  const m = r.map(field, ['approvers', 'required', 'forbidSelfApproval', 'timeout', 'onTimeout']);
  if (m === undefined) return undefined;
  const approvers = m.get('approvers');
  const names = approvers === undefined ? undefined : r.stringList(approvers);
  const requiredField = m.get('required');
  const required = requiredField === undefined ? undefined : r.integer(requiredField, 1);
  if (requiredField !== undefined && required !== undefined && names !== undefined && names.length > 0 && required > names.length) {
    r.report(requiredField, `requires ${required} approvals but lists ${names.length} approvers`);
  }
  const forbid = m.get('forbidSelfApproval');
  const forbidSelfApproval = (forbid === undefined ? undefined : r.boolean(forbid)) ?? false;
  const timeout = m.get('timeout');
  const timeoutMs = (timeout === undefined ? undefined : readDuration(r, timeout)) ?? 0;
  const onTimeoutField = m.get('onTimeout');
  const onTimeout = (onTimeoutField === undefined ? undefined : r.oneOf(onTimeoutField, APPROVAL_TIMEOUT_OUTCOMES)) ?? 'reject';
  return { approvers: names ?? [], required: required ?? 1, forbidSelfApproval, timeoutMs, onTimeout };
}

function readAction(r: YamlReader, field: Field, defaults: JobDefaults): (Omit<DraftAction, 'writtenName'> & { nameField: Field | undefined }) | undefined {
  if (field.node === null) return undefined;
  const m = r.map(field, ACTION_FIELDS);
  if (m === undefined) return undefined;
  const nameField = m.get('name');
  const name = nameField === undefined ? undefined : readName(r, nameField);
  if (nameField === undefined) r.report(m.missing('name'), 'an action needs a name');
  const titleField = m.get('title');
  const title = titleField === undefined ? undefined : r.text(titleField);
  const ifField = m.get('if');
  const condition = ifField === undefined ? undefined : readCondition(r, ifField);

  const jobsField = m.get('jobs');
  const items = jobsField === undefined ? [] : (r.seq(jobsField) ?? []);
  const drafts = items.filter((item) => item.node !== null).flatMap((item) => (isServiceJob(item) ? readServiceJob : isDeployJob(item) ? readDeployJob : readJob)(r, item, defaults) ?? []);
  if (jobsField === undefined || items.length === 0) r.report(jobsField ?? m.missing('jobs'), 'an action needs at least one job');
  const jobNames = distinctNames(r, drafts, { child: 'job', parent: `action "${name ?? ''}"`, fallbackBase: name ?? 'job' });
  const jobs = drafts.map((draft, i) => {
    const jobName = jobNames[i] ?? '';
    return { name: jobName, writtenName: draft.name ?? jobName, draft };
  });
  return { name, nameField, title, jobs, ifField, condition };
}
