/**
 * The `kubernetes` runner: one Pod per job attempt through the Kubernetes API
 * (@kubernetes/client-node). See {@link KubernetesRunner.run} for the lifecycle.
 */
import { createHash } from 'node:crypto';
import { CoreV1Api, Log, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { PodRejectedError, PodUnschedulableError, WorkerDetachedError, statusOf } from './errors.ts';
import type { ImagePullPolicy } from '../flow/model.ts';
import { PodLogFollower } from './kubernetes-log-follower.ts';
import { apiMessage, judge, type Outcome } from './kubernetes-pod-state.ts';
import { PullSecrets } from './kubernetes-pull-secret.ts';
import { mergePodTemplate, templatePod } from './pod-template.ts';
import { watchPod } from './kubernetes-watch.ts';
import { DEFAULT_CLAIM, KubernetesWorkspaces, workspacePodParts, type WorkspaceClaimSettings } from './kubernetes-workspace.ts';
import type { ContainerResult, ContainerSpec, JobRunner, RunHooks } from './runner.ts';

/** Options for {@link KubernetesRunner}; the environment is read by the caller, not here. */
export interface KubernetesRunnerOptions {
  /** A loaded configuration (cluster, credentials). */
  readonly kubeConfig: KubeConfig;
  /** Namespace of the job Pods. Default `default`. */
  readonly namespace?: string;
  /** Service account the Pods run as; unset: the namespace's default, with no API token mounted. */
  readonly serviceAccount?: string;
  /** Secrets (in `namespace`) used to pull job images. */
  readonly imagePullSecrets?: readonly string[];
  /** `IfNotPresent` by default; `Never` for clusters fed with local images only. */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** How long a Pod may stay unschedulable before the attempt fails with {@link PodUnschedulableError}. Default 60 s. */
  readonly unschedulableAfterMs?: number;
  /** How run workspaces are claimed; default 1Gi, ReadWriteOnce, the default StorageClass. */
  readonly workspace?: WorkspaceClaimSettings;
}

/** Container name inside every job Pod. */
export const JOB_CONTAINER = 'job';
/** Label on every Pod the runner creates. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'coflow' } as const;

type Settle = (outcome: Outcome) => void;

/** Runs job containers as Pods on a Kubernetes cluster. */
export class KubernetesRunner implements JobRunner {
  readonly kind = 'kubernetes';
  readonly #core: CoreV1Api;
  readonly #watch: Watch;
  readonly #log: Log;
  readonly #namespace: string;
  readonly #options: KubernetesRunnerOptions;
  readonly #unschedulableAfterMs: number;
  readonly #pullSecrets: PullSecrets;
  readonly #claim: WorkspaceClaimSettings;
  readonly workspaces: KubernetesWorkspaces;

  constructor(options: KubernetesRunnerOptions) {
    this.#options = options;
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#watch = new Watch(options.kubeConfig);
    this.#log = new Log(options.kubeConfig);
    this.#namespace = options.namespace ?? 'default';
    this.#unschedulableAfterMs = options.unschedulableAfterMs ?? 60_000;
    this.#pullSecrets = new PullSecrets(this.#core, this.#namespace);
    this.#claim = options.workspace ?? DEFAULT_CLAIM;
    this.workspaces = new KubernetesWorkspaces({
      core: this.#core,
      namespace: this.#namespace,
      claim: this.#claim,
      labelValue,
      imagePullPolicy: options.imagePullPolicy ?? 'IfNotPresent',
    });
  }

  /**
   * Create the Pod named `spec.name` — or, when it exists (a retried activity
   * after a worker crash), attach to it whatever its phase. Follows its phase
   * by watch and its log with timestamps, enforces the timeout (our timer, with
   * `activeDeadlineSeconds` as the cluster-side backstop) and cancellation,
   * and deletes the Pod before returning or throwing — except when
   * `hooks.detach` aborts (worker shutdown): then it stops following, leaves
   * the Pod running and throws {@link WorkerDetachedError}, and the retried
   * activity re-attaches to the Pod by name.
   *
   * Kubernetes merges stdout and stderr into one log: every line is reported
   * with stream `stdout`. On attach the log is replayed from the start; the
   * caller skips what it already stored (as with the docker runner).
   */
  async run(spec: ContainerSpec, hooks: RunHooks): Promise<ContainerResult> {
    if (hooks.signal.aborted) {
      await this.#deleteQuietly(spec.name);
      return { exitCode: null, timedOut: false, cancelled: true };
    }
    // The registry credentials: a Secret of the attempt's own, written before the Pod that names it.
    if (spec.registryAuth !== undefined) await this.#pullSecrets.write(spec.name, spec.registryAuth, { ...podLabels(spec.labels), ...MANAGED_BY });
    const { pod, created } = await this.#createOrAttach(spec).catch(async (err: unknown) => {
      if (spec.registryAuth !== undefined) await this.#pullSecrets.remove(spec.name);
      throw err;
    });
    // Owned by the Pod, so the cluster removes it with the Pod even if this worker dies.
    if (spec.registryAuth !== undefined) await this.#pullSecrets.ownBy(spec.name, pod);
    let detached = false;
    try {
      return await this.#supervise(spec, pod, created, hooks);
    } catch (err) {
      detached = err instanceof WorkerDetachedError;
      throw err;
    } finally {
      // Detached: the Pod runs on for the re-attaching retry.
      if (!detached) {
        await this.#deleteQuietly(spec.name);
        if (spec.registryAuth !== undefined) await this.#pullSecrets.remove(spec.name);
      }
    }
  }

  async #createOrAttach(spec: ContainerSpec): Promise<{ pod: V1Pod; created: boolean }> {
    const namespace = this.#namespace;
    // The run's workspace claim, created on first use and kept for the run's later jobs.
    if (spec.workspace !== undefined) await this.workspaces.ensureClaim(spec.workspace.volume, { 'coflow.run': spec.labels['coflow.run'] ?? '', 'coflow.workspace': spec.workspace.volume });
    for (let tries = 0; ; tries++) {
      try {
        return { pod: await this.#core.createNamespacedPod({ namespace, body: this.podFor(spec) }), created: true };
      } catch (err) {
        const status = statusOf(err);
        // Invalid (a template's field the API server refuses): the same Pod is refused again.
        if (status === 422 || status === 400) throw new PodRejectedError(spec.name, apiMessage(err), { cause: err });
        if (status !== 409) throw err;
      }
      let pod: V1Pod;
      try {
        pod = await this.#core.readNamespacedPod({ name: spec.name, namespace });
      } catch (err) {
        // Deleted between our conflict and read: create again.
        if (statusOf(err) === 404 && tries < 60) continue;
        throw err;
      }
      if (pod.metadata?.deletionTimestamp === undefined || pod.metadata.deletionTimestamp === null) return { pod, created: false };
      // A Pod of this name is on its way out (the previous activity cleaned up): wait for it to go.
      if (tries >= 60) throw new Error(`pod ${namespace}/${spec.name} is still terminating`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** The Pod manifest of one attempt: coflow's own, on the job's Pod template when it has one. Public for tests and the bench. */
  podFor(spec: ContainerSpec): V1Pod {
    const own = this.#ownPod(spec);
    return spec.podTemplate === undefined ? own : mergePodTemplate(templatePod(spec.podTemplate), own, spec.pullPolicy);
  }

  #ownPod(spec: ContainerSpec): V1Pod {
    const { cpuMillis, memoryBytes } = spec.resources;
    const quantities: Record<string, string> = {
      ...(cpuMillis === undefined ? {} : { cpu: `${Math.max(1, Math.round(cpuMillis))}m` }),
      ...(memoryBytes === undefined ? {} : { memory: String(Math.round(memoryBytes)) }),
    };
    const resources = Object.keys(quantities).length === 0 ? {} : { resources: { requests: quantities, limits: quantities } };
    const { serviceAccount, imagePullSecrets: configured = [] } = this.#options;
    const imagePullPolicy = spec.pullPolicy ?? this.#options.imagePullPolicy ?? 'IfNotPresent';
    // The attempt's own Secret (same name as the Pod) holds the job's registry credentials.
    const imagePullSecrets = spec.registryAuth === undefined ? configured : [spec.name, ...configured];
    const ws = spec.workspace === undefined ? undefined : workspacePodParts(spec.workspace, this.#claim);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: spec.name,
        namespace: this.#namespace,
        labels: { ...podLabels(spec.labels), ...ws?.labels, ...MANAGED_BY },
        // Label values are restricted; the raw values live here.
        annotations: { ...spec.labels },
      },
      spec: {
        restartPolicy: 'Never',
        ...(spec.timeoutMs > 0 ? { activeDeadlineSeconds: Math.max(1, Math.ceil(spec.timeoutMs / 1000)) } : {}),
        ...(serviceAccount === undefined ? { automountServiceAccountToken: false } : { serviceAccountName: serviceAccount }),
        ...(imagePullSecrets.length > 0 ? { imagePullSecrets: imagePullSecrets.map((name) => ({ name })) } : {}),
        // The job sees exactly the SPEC §1 environment, not service variables.
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 0,
        ...(ws === undefined ? {} : { volumes: ws.volumes, ...(ws.affinity ? { affinity: ws.affinity } : {}) }),
        containers: [
          {
            name: JOB_CONTAINER,
            image: spec.image,
            imagePullPolicy,
            // k8s `command` replaces ENTRYPOINT and `args` CMD, as in the docker runner.
            ...(spec.command === undefined ? {} : { command: [...spec.command] }),
            ...(spec.args === undefined ? {} : { args: [...spec.args] }),
            env: Object.entries(spec.env).map(([name, value]) => ({ name, value })),
            ...(ws === undefined ? {} : { volumeMounts: ws.volumeMounts }),
            ...resources,
          },
        ],
      },
    };
  }

  async #supervise(spec: ContainerSpec, first: V1Pod, created: boolean, hooks: RunHooks): Promise<ContainerResult> {
    const name = spec.name;
    // On attach the timeout counts from the Pod's original start.
    const deadline = spec.timeoutMs <= 0 ? undefined : (created ? Date.now() : startOf(first)) + spec.timeoutMs;
    // The job container is the first (named by a Pod template, or `job`); sidecars and init containers are not followed.
    const container = first.spec?.containers[0]?.name ?? JOB_CONTAINER;
    const log = new PodLogFollower({ log: this.#log, namespace: this.#namespace, pod: name, container, onLine: (line) => hooks.onLine(line) });
    const outcome = await this.#awaitOutcome(name, container, first, hooks, deadline, log);
    if (outcome.kind === 'detach') {
      // Stop reading; the Pod keeps running and keeps its log for the next attach.
      log.stop();
      throw new WorkerDetachedError(`pod ${this.#namespace}/${name}`);
    }
    if (outcome.kind === 'exit') {
      // The container ended: its log stream ends too; every line is delivered before we return.
      await log.drain();
      return { exitCode: outcome.code, timedOut: false, cancelled: false, ...(outcome.reason ? { reason: outcome.reason } : {}) };
    }
    await this.#deleteQuietly(name);
    log.stop();
    switch (outcome.kind) {
      case 'timeout':
        return { exitCode: null, timedOut: true, cancelled: false };
      case 'cancel':
        return { exitCode: null, timedOut: false, cancelled: true };
      case 'error':
        throw outcome.error;
    }
  }

  /**
   * Follows the Pod by watch (starting its log once the container runs) until
   * the attempt has an outcome: the container's end, a failure the Pod's
   * status shows, the deadline, a cancel, a detach, or a broken watch.
   */
  async #awaitOutcome(name: string, container: string, first: V1Pod, hooks: RunHooks, deadline: number | undefined, log: PodLogFollower): Promise<Outcome> {
    const namespace = this.#namespace;
    const cleanups: (() => void)[] = [];
    try {
      return await new Promise<Outcome>((resolve) => {
        let settled = false;
        const settle: Settle = (o) => {
          if (!settled) {
            settled = true;
            resolve(o);
          }
        };
        cleanups.push(listenForStop(hooks, deadline, settle));
        const unschedulable = unschedulableTimer(name, this.#unschedulableAfterMs, settle);
        cleanups.push(() => unschedulable.cancel());
        const onPod = (pod: V1Pod, deleted: boolean): void => {
          if (settled) return;
          const state = judge(pod, container);
          if (!log.started && state.started) log.start((error) => settle({ kind: 'error', error }));
          if (state.outcome) return settle(state.outcome);
          if (deleted) return settle({ kind: 'error', error: new Error(`pod ${namespace}/${name} was deleted before its job ended`) });
          unschedulable.update(state.unschedulable);
        };
        onPod(first, false);
        if (settled) return;
        const watch = watchPod({
          watch: this.#watch,
          read: () => this.#core.readNamespacedPod({ name, namespace }),
          namespace,
          name,
          resourceVersion: first.metadata?.resourceVersion ?? '0',
          onPod,
          onError: (error) => settle({ kind: 'error', error }),
        });
        cleanups.push(() => watch.stop());
      });
    } finally {
      for (const cleanup of cleanups) cleanup();
    }
  }

  async #deleteQuietly(name: string): Promise<void> {
    try {
      await this.#core.deleteNamespacedPod({ name, namespace: this.#namespace, gracePeriodSeconds: 0 });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
}

/** Settles on cancel (`hooks.signal`), detach (`hooks.detach`) or the deadline; returns what stops listening. */
function listenForStop(hooks: RunHooks, deadline: number | undefined, settle: Settle): () => void {
  const cleanups: (() => void)[] = [];
  const on = (signal: AbortSignal | undefined, outcome: Outcome): void => {
    if (signal === undefined) return;
    if (signal.aborted) return settle(outcome);
    const listener = (): void => settle(outcome);
    signal.addEventListener('abort', listener, { once: true });
    cleanups.push(() => signal.removeEventListener('abort', listener));
  };
  // A cancel wins over a detach when both happened.
  on(hooks.signal, { kind: 'cancel' });
  on(hooks.detach, { kind: 'detach' });
  if (deadline !== undefined) {
    const timer = setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
    cleanups.push(() => clearTimeout(timer));
  }
  return () => {
    for (const cleanup of cleanups) cleanup();
  };
}

/** Fails the attempt once its Pod has stayed unschedulable for `afterMs`; a Pod that gets scheduled resets it. */
function unschedulableTimer(pod: string, afterMs: number, settle: Settle): { update(message: string | undefined): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    update(message) {
      if (message === undefined) {
        clearTimeout(timer);
        timer = undefined;
      } else {
        timer ??= setTimeout(() => settle({ kind: 'error', error: new PodUnschedulableError(pod, message) }), afterMs);
      }
    },
    cancel: () => clearTimeout(timer),
  };
}

function startOf(pod: V1Pod): number {
  const t = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  const ms = t === undefined ? Number.NaN : new Date(t).getTime();
  return Number.isNaN(ms) ? Date.now() : ms;
}

/**
 * A valid label value (≤ 63 characters of `[A-Za-z0-9._-]`, alphanumeric at
 * both ends) for a raw value. Values that need changing get a hash suffix so
 * that two raw values never share one label value.
 */
export function labelValue(raw: string): string {
  if (/^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/.test(raw)) return raw;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 10);
  const slug = raw.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63 - hash.length - 1).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return slug ? `${slug}-${hash}` : hash;
}

function podLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, labelValue(v)]));
}
