/**
 * A job's `kubectl:` Pod template on the runners (docs/pod-templates.md):
 * merged under coflow's own Pod on the kubernetes runner; on the docker
 * runner, the part of its first container Docker can honour, and a warning
 * naming the rest.
 */
import type { V1Container, V1EnvVar, V1Pod, V1PodSpec, V1ResourceRequirements } from '@kubernetes/client-node';
import { checkPodTemplate } from '../flow/pod-template.ts';
import { IMAGE_PULL_POLICIES, type ImagePullPolicy } from '../flow/model.ts';
import { choiceList } from '../flow/suggest.ts';
import { RunnerRejectedError } from './errors.ts';
import type { ContainerSpec } from './runner.ts';

/** A stored template the runner cannot use (it was checked when the flow was applied: a flow stored before that). */
export class PodTemplateError extends RunnerRejectedError {
  override readonly name = 'PodTemplateError';
}

/** The template's Pod (a bare Pod spec wrapped into one). */
export function templatePod(text: string): V1Pod {
  const checked = checkPodTemplate(text);
  if (!checked.ok) throw new PodTemplateError(`its kubectl Pod template cannot be used: ${checked.problem}`);
  return checked.pod as unknown as V1Pod;
}

/**
 * coflow's Pod of an attempt (`own`: one container) on the template's base.
 * From coflow: the name, namespace, labels and annotations (added to the
 * template's), `restartPolicy: Never`, the deadline (the template's when the
 * job has no timeout) and, in the first container, the image, command and
 * args (the template's when the job gives none), env (added to the
 * template's, coflow's winning by name) and resources (coflow's quantities
 * winning). `jobPullPolicy` (the job's own) wins over the template's, which
 * wins over the runner's default. Everything else of the template is kept:
 * volumes, other containers, init containers, node selector, tolerations,
 * affinity, security context, service account, … — with the run's workspace
 * volume, mount and Pod affinity added when the job mounts it.
 */
export function mergePodTemplate(template: V1Pod, own: V1Pod, jobPullPolicy?: string): V1Pod {
  const t = template.spec!;
  const o = own.spec!;
  const [first, ...sidecars] = t.containers;
  const spec: V1PodSpec = {
    ...t,
    restartPolicy: 'Never',
    containers: [mergeContainer(first!, o.containers[0]!, jobPullPolicy), ...sidecars],
    ...definedOf({ activeDeadlineSeconds: o.activeDeadlineSeconds ?? t.activeDeadlineSeconds }),
    ...serviceAccountOf(t, o),
    ...workspaceOf(t, o),
    ...definedOf({
      enableServiceLinks: t.enableServiceLinks ?? o.enableServiceLinks,
      terminationGracePeriodSeconds: t.terminationGracePeriodSeconds ?? o.terminationGracePeriodSeconds,
      imagePullSecrets: unionByName(t.imagePullSecrets, o.imagePullSecrets),
    }),
  };
  const { generateName: _ignored, ...meta } = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      name: own.metadata?.name,
      namespace: own.metadata?.namespace,
      labels: { ...meta.labels, ...own.metadata?.labels },
      annotations: { ...meta.annotations, ...own.metadata?.annotations },
    },
    spec,
  };
}

function mergeContainer(t: V1Container, o: V1Container, jobPullPolicy: string | undefined): V1Container {
  // As in the docker runner: a command of the job's replaces the template's args too.
  const ownCommandLine = o.command !== undefined || o.args !== undefined;
  const names = new Set((o.env ?? []).map((e) => e.name));
  const { command: _command, args: _args, ...rest } = t;
  return {
    ...rest,
    name: t.name ?? o.name,
    image: o.image,
    ...definedOf({
      imagePullPolicy: jobPullPolicy ?? t.imagePullPolicy ?? o.imagePullPolicy,
      command: o.command ?? t.command,
      args: ownCommandLine ? o.args : t.args,
      env: [...(t.env ?? []).filter((e) => !names.has(e.name)), ...(o.env ?? [])],
      resources: mergeResources(t.resources, o.resources),
      // The run's workspace mount (coflow's) wins over a template mount of the same name or path.
      volumeMounts: o.volumeMounts === undefined ? t.volumeMounts : [...o.volumeMounts, ...(t.volumeMounts ?? []).filter((m) => !o.volumeMounts!.some((w) => w.name === m.name || w.mountPath === m.mountPath))],
    }),
  };
}

/** The run's workspace volume (coflow's wins by name) and its Pod affinity added to the template's own terms. */
function workspaceOf(t: V1PodSpec, o: V1PodSpec): Partial<V1PodSpec> {
  const ours = o.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return definedOf({
    volumes: o.volumes === undefined ? t.volumes : unionByName(o.volumes, t.volumes),
    affinity: ours === undefined ? t.affinity : {
      ...t.affinity,
      podAffinity: { ...t.affinity?.podAffinity, requiredDuringSchedulingIgnoredDuringExecution: [...(t.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...ours] },
    },
  });
}

function mergeResources(t: V1ResourceRequirements | undefined, o: V1ResourceRequirements | undefined): V1ResourceRequirements | undefined {
  if (o === undefined) return t;
  if (t === undefined) return o;
  return {
    ...t,
    ...definedOf({
      requests: t.requests === undefined && o.requests === undefined ? undefined : { ...t.requests, ...o.requests },
      limits: t.limits === undefined && o.limits === undefined ? undefined : { ...t.limits, ...o.limits },
    }),
  };
}

/** The template's service account when it names one (its token mount as it says); else the runner's. */
function serviceAccountOf(t: V1PodSpec, o: V1PodSpec): Partial<V1PodSpec> {
  if (t.serviceAccountName !== undefined || t.serviceAccount !== undefined) return {};
  return definedOf({
    serviceAccountName: o.serviceAccountName,
    automountServiceAccountToken: t.automountServiceAccountToken ?? o.automountServiceAccountToken,
  });
}

function unionByName<T extends { name?: string }>(a: T[] | undefined, b: T[] | undefined): T[] | undefined {
  if (a === undefined && b === undefined) return undefined;
  const out = [...(a ?? [])];
  for (const item of b ?? []) if (!out.some((x) => x.name === item.name)) out.push(item);
  return out;
}

/** Only the keys whose values are defined (the client's types reject explicit undefined with exactOptionalPropertyTypes). */
function definedOf<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What the docker runner takes from a template: its first container's command line, plain env values and working directory. */
export interface DockerTemplateView {
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** The first container's `imagePullPolicy`, when it is one the runners know. */
  readonly pullPolicy?: ImagePullPolicy;
  /** What the docker runner cannot honour, one phrase each (empty: the template is honoured in full). */
  readonly ignored: readonly string[];
}

/** Pod spec fields that mean nothing to one container or are coflow's own on Docker. */
const SPEC_FIELDS_DOCKER_HONOURS = new Set(['containers', 'restartPolicy', 'terminationGracePeriodSeconds', 'enableServiceLinks', 'automountServiceAccountToken']);
const CONTAINER_FIELDS_DOCKER_HONOURS = new Set(['name', 'image', 'imagePullPolicy', 'command', 'args', 'env', 'workingDir']);

/** The docker runner's reading of a template. */
export function dockerTemplateView(template: V1Pod): DockerTemplateView {
  const spec = template.spec!;
  const first = spec.containers[0]!;
  const ignored: string[] = [];
  for (const key of ['labels', 'annotations'] as const) if (template.metadata?.[key] !== undefined) ignored.push(`metadata.${key}`);
  for (const key of Object.keys(spec)) if (!SPEC_FIELDS_DOCKER_HONOURS.has(key)) ignored.push(key);
  const others = spec.containers.slice(1).map((c) => c.name);
  if (others.length > 0) ignored.push(`the other containers (${others.join(', ')})`);
  for (const key of Object.keys(first)) if (!CONTAINER_FIELDS_DOCKER_HONOURS.has(key)) ignored.push(`containers[0].${key}`);
  const env: Record<string, string> = {};
  const fromSources: string[] = [];
  for (const e of first.env ?? ([] as V1EnvVar[])) {
    if (e.valueFrom === undefined) env[e.name] = e.value ?? '';
    else fromSources.push(e.name);
  }
  if (fromSources.length > 0) ignored.push(`env from sources (${fromSources.join(', ')})`);
  const pullPolicy = IMAGE_PULL_POLICIES.find((p) => p === first.imagePullPolicy);
  if (first.imagePullPolicy !== undefined && pullPolicy === undefined) ignored.push(`containers[0].imagePullPolicy "${first.imagePullPolicy}" (not ${choiceList(IMAGE_PULL_POLICIES)})`);
  return {
    ...definedOf({ command: first.command, args: first.args, workingDir: first.workingDir, pullPolicy }),
    env,
    ignored,
  };
}

/** The warning shown on a job whose template the docker runner applied only in part. */
export function dockerTemplateWarning(ignored: readonly string[]): string | undefined {
  if (ignored.length === 0) return undefined;
  return `the docker runner applied only the command, args, env, workingDir and imagePullPolicy of the kubectl Pod template's first container; ignored: ${ignored.join(', ')} (the kubernetes runner applies the whole template)`;
}

/**
 * The attempt as the docker runner runs it: the job's command line, else the
 * template's; the template's plain env under the job's; the template's working
 * directory; and the warning naming what was left out.
 */
export function dockerAttempt(spec: ContainerSpec): { spec: ContainerSpec; workingDir?: string; warnings: string[] } {
  if (spec.podTemplate === undefined) return { spec, warnings: [] };
  const view = dockerTemplateView(templatePod(spec.podTemplate));
  const ownCommandLine = spec.command !== undefined || spec.args !== undefined;
  const commandLine = ownCommandLine ? {} : definedOf({ command: view.command, args: view.args });
  const warning = dockerTemplateWarning(view.ignored);
  return {
    // The job's own pull policy wins over the template's, as on the kubernetes runner.
    spec: { ...spec, ...commandLine, env: { ...view.env, ...spec.env }, ...(spec.pullPolicy === undefined ? definedOf({ pullPolicy: view.pullPolicy }) : {}) },
    ...definedOf({ workingDir: view.workingDir }),
    warnings: warning === undefined ? [] : [warning],
  };
}
