/** Reads one job of a flow into a draft; data links are resolved later, once every job is known. */
import { isMap, isScalar, isSeq } from 'yaml';
import { IMAGE_PULL_POLICIES, type ComponentDefaultedField, type ComponentRef, type DeploymentMark, type ImagePullPolicy, type JobSpec, type RepeatSpec, type Resources, type RetryPolicy } from './model.ts';
import { luaSyntaxError } from './lua-syntax.ts';
import { readCondition, readDuration, readName, readQuantity } from './read-values.ts';
import { RESOURCE_NAMES } from './resources.ts';
import { readKubectl, type KubectlValue } from './read-kubectl.ts';
import { readDeploymentMark } from './read-deploy-target.ts';
import { closestName } from './suggest.ts';
import type { Field, MapFields, YamlReader } from './yaml-reader.ts';
import { describe } from './yaml-reader.ts';

/** Retry defaults: no retry; when retries are asked for, 10s backoff doubling up to 5m. */
export const DEFAULT_BACKOFF_MS = 10_000;
export const DEFAULT_MAX_BACKOFF_MS = 300_000;

const JOB_FIELDS = [
  'name', 'title', 'type', 'endpoint', 'component', 'script', 'command', 'args', 'inputs', 'environments',
  'outputs', 'subscriptions', 'timeout', 'retries', 'resources', 'allowFailure', 'if', 'pre', 'post',
  'repeat', 'workspace', 'kubectl', 'service', 'imagePullPolicy', 'deployment', 'onFailure',
  // ContainerOps: `output` was an older spelling of `outputs`; `status` and `log` were
  // run state written back into runtime copies of a flow. Accepted, status/log ignored.
  'output', 'status', 'log', 'logs',
];

/** Why `onFailure:` is refused on a job that is not a deploy job. */
export const ON_FAILURE_ONLY_DEPLOY = '"onFailure" belongs to deploy jobs (type: deploy): only a deployment coflow performs can be rolled back by coflow';

/** A data link as written: `ref[OUTPUT]: ENV`, with where it was written. */
export interface RawLink {
  readonly ref: string;
  readonly output: string;
  readonly env: string;
  readonly field: Field;
}

/** A job read from YAML, before naming (when unnamed) and link resolution. */
export interface DraftJob {
  readonly field: Field;
  /** The explicit name, if any, and where it was written. */
  readonly name: string | undefined;
  readonly nameField: Field | undefined;
  /** Base for a derived name when `name` is absent (image or component name). */
  readonly nameBase: string | undefined;
  readonly spec: Omit<JobSpec, 'name' | 'path' | 'subscriptions'>;
  readonly links: readonly RawLink[];
}

/** Context a job inherits from its flow. */
export interface JobDefaults {
  readonly environments: Readonly<Record<string, string>>;
  readonly workspace: boolean;
  /** The flow's uri (a deployment's application defaults to its repository part). */
  readonly flowUri: string;
}

/** Reads a job; returns undefined only when it is not a mapping at all. */
export function readJob(r: YamlReader, field: Field, defaults: JobDefaults): DraftJob | undefined {
  const m = r.map(field, JOB_FIELDS);
  if (m === undefined) return undefined;
  const get = (key: string, read: (f: Field) => unknown): void => {
    const f = m.get(key);
    if (f !== undefined) read(f);
  };

  const nameField = m.get('name');
  const name = nameField === undefined ? undefined : readName(r, nameField);
  readKind(r, m);
  const { image, component } = readImage(r, m);
  const command = readCommand(r, m);
  const outputs = readOutputs(r, m);

  let timeoutMs = 0;
  get('timeout', (f) => (timeoutMs = readDuration(r, f) ?? 0));
  let retries: RetryPolicy = { max: 0, backoffMs: DEFAULT_BACKOFF_MS, maxBackoffMs: DEFAULT_MAX_BACKOFF_MS };
  get('retries', (f) => (retries = readRetries(r, f) ?? retries));
  let resources: Resources = {};
  get('resources', (f) => (resources = readResources(r, f)));
  let allowFailure = false;
  get('allowFailure', (f) => (allowFailure = r.boolean(f) ?? false));
  let workspace = defaults.workspace;
  get('workspace', (f) => (workspace = r.boolean(f) ?? workspace));
  let template: KubectlValue | undefined;
  get('kubectl', (f) => (template = readKubectl(r, f)));
  const kubectl = template?.kubectl;
  let imagePullPolicy: ImagePullPolicy | undefined;
  get('imagePullPolicy', (f) => (imagePullPolicy = r.oneOf(f, IMAGE_PULL_POLICIES)));
  let title: string | undefined;
  get('title', (f) => (title = r.text(f)));
  let condition: string | undefined;
  get('if', (f) => (condition = readCondition(r, f)));
  const hooks = readHooks(r, m);
  let deployment: DeploymentMark | undefined;
  get('deployment', (f) => (deployment = readDeploymentMark(r, f, defaults.flowUri)));
  get('onFailure', (f) => r.report(f, ON_FAILURE_ONLY_DEPLOY));
  let repeat: RepeatSpec | undefined;
  get('repeat', (f) => (repeat = readRepeat(r, f)));

  const noImage = image === undefined && component === undefined && !m.has('endpoint') && !m.has('component');
  if (noImage && kubectl === undefined) {
    r.report(field, 'a job needs an image: give "endpoint" (a raw image) or "component" (namespace/name@version)');
  }
  if (noImage && template?.podTemplate !== undefined && template.image === undefined) {
    r.report(m.get('kubectl')!, 'the Pod template\'s first container names no image, and the job gives no "endpoint" or "component"');
  }
  // A kubectl-only job runs its template's image; its derived name stays the action's (as before the template is read).
  const jobImage = image ?? (noImage ? template?.image : undefined);

  const spec: DraftJob['spec'] = {
    kind: 'component',
    ...(title === undefined ? {} : { title }),
    ...(jobImage === undefined ? {} : { image: jobImage }),
    ...(component === undefined ? {} : { component, omitted: omittedFields(m) }),
    ...command,
    inputs: readStringMap(r, m.get('inputs'), 'inputs'),
    environments: { ...defaults.environments, ...readEnvironments(r, m.get('environments')) },
    outputs,
    timeoutMs,
    retries,
    resources,
    allowFailure,
    workspace,
    ...(kubectl === undefined ? {} : { kubectl }),
    ...(template?.podTemplate === undefined ? {} : { podTemplate: template.podTemplate }),
    ...(imagePullPolicy === undefined ? {} : { imagePullPolicy }),
    ...(repeat === undefined ? {} : { repeat }),
    ...(deployment === undefined ? {} : { deployment }),
    ...(condition === undefined ? {} : { if: condition }),
    ...hooks,
  };
  const nameBase = component?.name ?? (image === undefined ? undefined : imageBaseName(image));
  return { field, name, nameField, nameBase, spec, links: readLinks(r, m.get('subscriptions')) };
}

/** What a component job leaves to its catalog entry: `timeout`, `retries`, `resources.cpu` / `.memory` not written. */
function omittedFields(m: MapFields): ComponentDefaultedField[] {
  const resources = m.get('resources')?.node;
  const has = (key: string): boolean => isMap(resources) && resources.has(key);
  const omitted: ComponentDefaultedField[] = [];
  if (!m.has('timeout')) omitted.push('timeout');
  if (!m.has('retries')) omitted.push('retries');
  if (!has('cpu')) omitted.push('cpu');
  if (!has('memory')) omitted.push('memory');
  return omitted;
}

/** `pre` and `post` Lua hooks, syntax-checked here (compiled, never run). */
function readHooks(r: YamlReader, m: MapFields): { pre?: string; post?: string } {
  const out: { pre?: string; post?: string } = {};
  for (const key of ['pre', 'post'] as const) {
    const f = m.get(key);
    const source = f === undefined ? undefined : r.string(f);
    if (f === undefined || source === undefined) continue;
    const bad = luaSyntaxError(source, key);
    if (bad === undefined) out[key] = source;
    else r.report(f, `Lua syntax error${bad.line === undefined ? '' : ` on line ${bad.line} of the hook`}: ${bad.message}`);
  }
  return out;
}

function readKind(r: YamlReader, m: MapFields): void {
  const f = m.get('type');
  const type = f === undefined ? 'component' : r.string(f);
  const service = m.get('service');
  if (service !== undefined && type !== 'service') r.report(service, '"service" belongs to jobs of type service; add "type: service"');
  // `type: service` and `type: deploy` jobs are read by parse-service.ts and parse-deploy.ts.
  if (f === undefined || type === undefined || type === 'component') return;
  const hint = closestName(type, ['component', 'service', 'deploy']);
  r.report(f, `unknown job type "${type}"${hint === undefined ? '' : `; did you mean "${hint}"?`}; use "component", "service" or "deploy"`);
}

function readImage(r: YamlReader, m: MapFields): { image?: string; component?: ComponentRef } {
  const endpointField = m.get('endpoint');
  const componentField = m.get('component');
  if (endpointField !== undefined && componentField !== undefined) {
    r.report(componentField, 'give either "endpoint" or "component", not both');
    return {};
  }
  if (endpointField !== undefined) {
    const image = r.string(endpointField);
    if (image === undefined) return {};
    if (image.trim() === '' || /\s/.test(image)) {
      r.report(endpointField, `"${image}" is not an image reference`);
      return {};
    }
    return { image };
  }
  if (componentField === undefined) return {};
  const text = r.text(componentField);
  const match = text === undefined ? null : /^([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*)@([A-Za-z0-9][\w.+-]*)$/.exec(text);
  if (match === null) {
    if (text !== undefined) r.report(componentField, `"${text}" is not a component reference; expected namespace/name@version, e.g. library/shell@1`);
    return {};
  }
  const [, namespace = '', name = '', version = ''] = match;
  return { component: { namespace, name, version } };
}

function readCommand(r: YamlReader, m: MapFields): { script?: string; command?: string[]; args?: string[] } {
  const out: { script?: string; command?: string[]; args?: string[] } = {};
  const scriptField = m.get('script');
  if (scriptField !== undefined) {
    const script = r.string(scriptField);
    if (script !== undefined) out.script = script;
  }
  for (const key of ['command', 'args'] as const) {
    const f = m.get(key);
    if (f === undefined) continue;
    if (scriptField !== undefined) {
      r.report(f, `give either "script" or "${key}", not both: a script replaces the image's command`);
      continue;
    }
    const words = isScalar(f.node) ? splitWords(r, f) : r.stringList(f);
    if (words !== undefined) out[key] = words;
  }
  return out;
}

/** Splits a command line written as one string, honouring quotes and backslashes (no expansion). */
function splitWords(r: YamlReader, f: Field): string[] | undefined {
  const text = r.text(f);
  if (text === undefined) return undefined;
  const words: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current = (current ?? '') + (text[++i] ?? '');
      else current = (current ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current ??= '';
    } else if (c === '\\' && i + 1 < text.length) current = (current ?? '') + (text[++i] ?? '');
    else if (/\s/.test(c)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else current = (current ?? '') + c;
  }
  if (quote !== undefined) {
    r.report(f, `unterminated ${quote} quote`);
    return undefined;
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** `outputs` (or the older `output`): declared output names. */
export function readOutputs(r: YamlReader, m: MapFields): string[] {
  const outputs = m.get('outputs');
  const legacy = m.get('output');
  if (outputs !== undefined && legacy !== undefined) r.report(legacy, 'give either "outputs" or the older "output", not both');
  const f = outputs ?? legacy;
  if (f === undefined) return [];
  const items = isSeq(f.node) ? (r.seq(f) ?? []) : [f];
  const names: string[] = [];
  for (const item of items) {
    const name = r.text(item);
    if (name === undefined) continue;
    if (name === '' || /[\s[\]=]/.test(name)) r.report(item, `"${name}" is not a valid output name (no spaces, brackets or "=")`);
    else if (names.includes(name)) r.report(item, `output "${name}" is listed twice`);
    else names.push(name);
  }
  return names;
}

/** `retries`: a number, or `{ max, backoff, maxBackoff }`. */
export function readRetries(r: YamlReader, f: Field): RetryPolicy | undefined {
  if (!isMap(f.node)) {
    const max = r.integer(f);
    return max === undefined ? undefined : { max, backoffMs: DEFAULT_BACKOFF_MS, maxBackoffMs: DEFAULT_MAX_BACKOFF_MS };
  }
  const m = r.map(f, ['max', 'backoff', 'maxBackoff']);
  if (m === undefined) return undefined;
  const maxField = m.get('max');
  const max = maxField === undefined ? undefined : r.integer(maxField);
  if (maxField === undefined) r.report(m.missing('max'), 'retries needs "max", the number of retries after the first attempt');
  const backoffField = m.get('backoff');
  const maxBackoffField = m.get('maxBackoff');
  const backoffMs = (backoffField === undefined ? undefined : readDuration(r, backoffField)) ?? DEFAULT_BACKOFF_MS;
  const maxBackoffMs = (maxBackoffField === undefined ? undefined : readDuration(r, maxBackoffField)) ?? Math.max(DEFAULT_MAX_BACKOFF_MS, backoffMs);
  if (maxBackoffField !== undefined && maxBackoffMs < backoffMs) r.report(maxBackoffField, 'must not be shorter than backoff');
  return max === undefined ? undefined : { max, backoffMs, maxBackoffMs };
}

function readResources(r: YamlReader, f: Field): Resources {
  const m = r.map(f, RESOURCE_NAMES);
  if (m === undefined) return {};
  const cpuField = m.get('cpu');
  const memoryField = m.get('memory');
  const cpuMillis = cpuField === undefined ? undefined : readQuantity(r, cpuField, 'cpu');
  const memoryBytes = memoryField === undefined ? undefined : readQuantity(r, memoryField, 'memory');
  // ContainerOps wrote `cpu: 0` / `memory: 0` for "no request": leave them unset.
  return {
    ...(cpuMillis === undefined || cpuMillis === 0 ? {} : { cpuMillis }),
    ...(memoryBytes === undefined || memoryBytes === 0 ? {} : { memoryBytes }),
  };
}

/** `repeat: { every, for, count, until }` (`times` is accepted for `count`). */
function readRepeat(r: YamlReader, f: Field): RepeatSpec | undefined {
  const m = r.map(f, ['every', 'for', 'count', 'times', 'until']);
  if (m === undefined) return undefined;
  const every = m.get('every');
  let everyMs: number | undefined;
  if (every === undefined) r.report(m.missing('every'), 'repeat needs "every", the interval between runs');
  else {
    everyMs = readDuration(r, every);
    if (everyMs === 0) r.report(every, 'must be longer than 0');
  }
  const forField = m.get('for');
  const forMs = (forField === undefined ? undefined : readDuration(r, forField)) ?? 0;
  const countField = m.get('count') ?? m.get('times');
  const count = (countField === undefined ? undefined : r.integer(countField, 1)) ?? 0;
  const untilField = m.get('until');
  let until: string | undefined;
  if (untilField !== undefined) {
    const text = r.string(untilField);
    if (text !== undefined && Number.isNaN(Date.parse(text))) r.report(untilField, `"${text}" is not a date-time (ISO 8601, e.g. 2026-12-24T18:00:00Z)`);
    else if (text !== undefined) until = new Date(Date.parse(text)).toISOString();
  }
  if (forMs === 0 && count === 0 && until === undefined) {
    r.report(f, 'repeat needs a bound: "for", "count" or "until"');
  }
  if (everyMs === undefined || everyMs === 0) return undefined;
  return { everyMs, forMs, count, ...(until === undefined ? {} : { until }) };
}

/** `inputs`: a map of scalars, read as strings (they reach the component as CO_DATA_JSON). */
function readStringMap(r: YamlReader, f: Field | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (f === undefined) return out;
  for (const entry of r.map(f)?.entries ?? []) {
    if (entry.field.node !== null && !isScalar(entry.field.node)) {
      r.report(entry.field, `${what} values must be strings, numbers or booleans, got ${describe(entry.field.node)}`);
      continue;
    }
    const value = r.text(entry.field);
    if (value !== undefined) out[entry.key] = value;
  }
  return out;
}

/** `environments`: a list of single-key maps (ContainerOps) or one map. */
export function readEnvironments(r: YamlReader, f: Field | undefined): Record<string, string> {
  if (f === undefined) return {};
  if (!isSeq(f.node)) return checkEnvNames(r, f, readStringMap(r, f, 'environments'));
  const out: Record<string, string> = {};
  for (const item of r.seq(f) ?? []) {
    if (item.node === null) continue;
    Object.assign(out, checkEnvNames(r, item, readStringMap(r, item, 'environments')));
  }
  return out;
}

function checkEnvNames(r: YamlReader, f: Field, env: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(env)) {
    if (name === '' || name.includes('=') || /\s/.test(name)) {
      r.report(f, `"${name}" is not a valid environment variable name`);
      delete env[name];
    }
  }
  return env;
}

/** `subscriptions`: `- "stage.action.job[OUTPUT]": ENV` items, or one map of them. */
function readLinks(r: YamlReader, f: Field | undefined): RawLink[] {
  if (f === undefined) return [];
  const maps = isSeq(f.node) ? (r.seq(f) ?? []).filter((item) => item.node !== null) : [f];
  const links: RawLink[] = [];
  for (const item of maps) {
    for (const entry of r.map(item)?.entries ?? []) {
      // Point at the key (the reference); name list items `subscriptions[i]`.
      const at: Field = { ...entry.field, path: item === f ? entry.field.path : item.path, offset: entry.keyOffset };
      const match = /^([^[\]\s]+)\[([^[\]\s]+)\]$/.exec(entry.key);
      const env = r.text(entry.field);
      if (match === null) {
        r.report(at, `"${entry.key}" is not a data link; expected "stage.action.job[OUTPUT]: ENV_NAME"`);
      } else if (env === undefined || env === '' || /[\s=]/.test(env)) {
        r.report(entry.field.node === null ? at : entry.field, 'must name the environment variable that receives the output');
      } else {
        links.push({ ref: match[1] ?? '', output: match[2] ?? '', env, field: at });
      }
    }
  }
  return links;
}

/** `registry:5000/org/golint:1.4@sha256:…` → `golint`. */
function imageBaseName(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const last = withoutDigest.split('/').pop() ?? withoutDigest;
  const base = (last.split(':')[0] ?? last).replace(/[^A-Za-z0-9_-]/g, '-');
  return base === '' ? 'job' : base;
}
