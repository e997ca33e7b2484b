/**
 * The `kubernetes` runner: one Pod per job attempt through the Kubernetes API
 * (@kubernetes/client-node). See {@link KubernetesRunner.run} for the lifecycle.
 */
import { createHash } from 'node:crypto';
import { CoreV1Api, Log, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { ImageNotFoundError, PodUnschedulableError, PodFailedToStartError } from './errors.ts';
import type { ImagePullPolicy } from './image-pull-policy.ts';
import { LogLineSink, type LogCursor } from './kubernetes-log.ts';
import { watchPod, type PodWatch } from './kubernetes-watch.ts';
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
}

/** Container name inside every job Pod. */
export const JOB_CONTAINER = 'job';
/** Label on every Pod the runner creates. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'coflow' } as const;

/** Waiting reasons that mean the image cannot be had: retrying will not help. */
const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);
/** Waiting reasons that mean the container cannot be created as specified. */
const START_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
/** After the container ended, how long the log stream may take to drain before it is read again without follow. */
const LOG_DRAIN_MS = 5_000;

type Outcome =
  | { kind: 'exit'; code: number; reason?: string }
  | { kind: 'timeout' }
  | { kind: 'cancel' }
  | { kind: 'error'; error: Error };

/** Runs job containers as Pods on a Kubernetes cluster. */
export class KubernetesRunner implements JobRunner {
  readonly kind = 'kubernetes';
  readonly #core: CoreV1Api;
  readonly #watch: Watch;
  readonly #log: Log;
  readonly #namespace: string;
  readonly #options: KubernetesRunnerOptions;
  readonly #unschedulableAfterMs: number;

  constructor(options: KubernetesRunnerOptions) {
    this.#options = options;
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#watch = new Watch(options.kubeConfig);
    this.#log = new Log(options.kubeConfig);
    this.#namespace = options.namespace ?? 'default';
    this.#unschedulableAfterMs = options.unschedulableAfterMs ?? 60_000;
  }

  /**
   * Create the Pod named `spec.name` — or, when it exists (a retried activity
   * after a worker crash), attach to it whatever its phase. Follows its phase
   * by watch and its log with timestamps, enforces the timeout (our timer, with
   * `activeDeadlineSeconds` as the cluster-side backstop) and cancellation,
   * and always deletes the Pod before returning or throwing.
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
    const { pod, created } = await this.#createOrAttach(spec);
    try {
      return await this.#supervise(spec, pod, created, hooks);
    } finally {
      await this.#deleteQuietly(spec.name);
    }
  }

  async #createOrAttach(spec: ContainerSpec): Promise<{ pod: V1Pod; created: boolean }> {
    const namespace = this.#namespace;
    for (let tries = 0; ; tries++) {
      try {
        return { pod: await this.#core.createNamespacedPod({ namespace, body: this.podFor(spec) }), created: true };
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
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

  /** The Pod manifest of one attempt. Public for tests and the bench. */
  podFor(spec: ContainerSpec): V1Pod {
    const { cpuMillis, memoryBytes } = spec.resources;
    const quantities: Record<string, string> = {
      ...(cpuMillis === undefined ? {} : { cpu: `${Math.max(1, Math.round(cpuMillis))}m` }),
      ...(memoryBytes === undefined ? {} : { memory: String(Math.round(memoryBytes)) }),
    };
    const resources = Object.keys(quantities).length === 0 ? {} : { resources: { requests: quantities, limits: quantities } };
    const { serviceAccount, imagePullSecrets = [], imagePullPolicy = 'IfNotPresent' } = this.#options;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: spec.name,
        namespace: this.#namespace,
        labels: { ...podLabels(spec.labels), ...MANAGED_BY },
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
        containers: [
          {
            name: JOB_CONTAINER,
            image: spec.image,
            imagePullPolicy,
            // k8s `command` replaces ENTRYPOINT and `args` CMD, as in the docker runner.
            ...(spec.command === undefined ? {} : { command: [...spec.command] }),
            ...(spec.args === undefined ? {} : { args: [...spec.args] }),
            env: Object.entries(spec.env).map(([name, value]) => ({ name, value })),
            ...resources,
          },
        ],
      },
    };
  }

  async #supervise(spec: ContainerSpec, first: V1Pod, created: boolean, hooks: RunHooks): Promise<ContainerResult> {
    const namespace = this.#namespace;
    const name = spec.name;
    const deadline = spec.timeoutMs <= 0 ? undefined : (created ? Date.now() : startOf(first)) + spec.timeoutMs;
    const cursor: LogCursor = { lastKey: -1n, atLastKey: 0 };
    let follower: { done: Promise<boolean>; abort(): void } | undefined;
    let watch: PodWatch | undefined;
    const cleanups: (() => void)[] = [];

    const outcome = await new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (o: Outcome): void => {
        if (!settled) {
          settled = true;
          resolve(o);
        }
      };
      if (hooks.signal.aborted) return settle({ kind: 'cancel' });
      const onAbort = (): void => settle({ kind: 'cancel' });
      hooks.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => hooks.signal.removeEventListener('abort', onAbort));
      if (deadline !== undefined) {
        const timer = setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
        cleanups.push(() => clearTimeout(timer));
      }
      let unschedulableTimer: NodeJS.Timeout | undefined;
      cleanups.push(() => clearTimeout(unschedulableTimer));

      const startFollower = (): void => {
        const f = this.#follow(namespace, name, cursor, hooks, true);
        follower = f;
        f.done.then(
          (complete) => {
            // The stream ended early (API server restart, connection loss): follow again from where it stopped.
            if (!settled && !complete) setTimeout(() => !settled && startFollower(), 1_000);
          },
          (err: unknown) => settle({ kind: 'error', error: err as Error }),
        );
      };

      const onPod = (pod: V1Pod, deleted: boolean): void => {
        if (settled) return;
        const state = judge(pod);
        if (follower === undefined && state.started) startFollower();
        if (state.outcome) return settle(state.outcome);
        if (deleted) return settle({ kind: 'error', error: new Error(`pod ${namespace}/${name} was deleted before its job ended`) });
        if (state.unschedulable !== undefined) {
          unschedulableTimer ??= setTimeout(
            () => settle({ kind: 'error', error: new PodUnschedulableError(name, state.unschedulable ?? '') }),
            this.#unschedulableAfterMs,
          );
        } else if (unschedulableTimer !== undefined) {
          clearTimeout(unschedulableTimer);
          unschedulableTimer = undefined;
        }
      };
      onPod(first, false);
      watch = watchPod({
        watch: this.#watch,
        read: () => this.#core.readNamespacedPod({ name, namespace }),
        namespace,
        name,
        resourceVersion: first.metadata?.resourceVersion ?? '0',
        onPod,
        onError: (error) => settle({ kind: 'error', error }),
      });
    });
    for (const cleanup of cleanups) cleanup();
    watch?.stop();

    if (outcome.kind !== 'exit') {
      await this.#deleteQuietly(name);
      follower?.abort();
    } else {
      // The container ended: its log stream ends too. If it does not in time, read the rest without follow.
      const drained = follower === undefined ? false : await Promise.race([follower.done.catch(() => false), sleep(LOG_DRAIN_MS, false)]);
      follower?.abort();
      if (!drained) {
        const rest = this.#follow(namespace, name, cursor, hooks, false);
        // A broken connection never ends the sink: bound the read.
        await Promise.race([rest.done, sleep(30_000, false)]);
        rest.abort();
      }
    }
    switch (outcome.kind) {
      case 'exit':
        return { exitCode: outcome.code, timedOut: false, cancelled: false, ...(outcome.reason ? { reason: outcome.reason } : {}) };
      case 'timeout':
        return { exitCode: null, timedOut: true, cancelled: false };
      case 'cancel':
        return { exitCode: null, timedOut: false, cancelled: true };
      case 'error':
        throw outcome.error;
    }
  }

  /**
   * Streams the job container's log (from the cursor on) into `hooks.onLine`.
   * `done` resolves true when the stream ended normally, false when it broke off.
   */
  #follow(namespace: string, name: string, cursor: LogCursor, hooks: RunHooks, follow: boolean): { done: Promise<boolean>; abort(): void } {
    const sink = new LogLineSink(cursor, (line) => hooks.onLine(line));
    let controller: AbortController | undefined;
    let aborted = false;
    const done = (async (): Promise<boolean> => {
      const since = cursor.lastKey >= 0n ? { sinceTime: new Date(Number(cursor.lastKey / 1_000_000n)).toISOString().replace(/\.\d+Z$/, 'Z') } : {};
      try {
        controller = await this.#log.log(namespace, name, JOB_CONTAINER, sink, { follow, timestamps: true, ...since });
      } catch (err) {
        // The Pod went away (deleted after a cancel) or its container has not started: nothing more to read.
        if (statusOf(err) === 404 || statusOf(err) === 400) return false;
        throw err;
      }
      if (aborted) controller.abort();
      return sink.finished;
    })();
    return {
      done,
      abort: () => {
        aborted = true;
        controller?.abort();
        sink.stop();
      },
    };
  }

  async #deleteQuietly(name: string): Promise<void> {
    try {
      await this.#core.deleteNamespacedPod({ name, namespace: this.#namespace, gracePeriodSeconds: 0 });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
}

/** What a Pod's status says about the attempt. */
function judge(pod: V1Pod): { started: boolean; outcome?: Outcome; unschedulable?: string } {
  const status = pod.status;
  const container = status?.containerStatuses?.find((c) => c.name === JOB_CONTAINER);
  const terminated = container?.state?.terminated;
  const started = container?.state?.running !== undefined || terminated !== undefined;
  if (status?.reason === 'DeadlineExceeded') return { started, outcome: { kind: 'timeout' } };
  if (terminated !== undefined) {
    const reason = terminated.reason === 'OOMKilled' ? { reason: 'OOMKilled' } : {};
    return { started, outcome: { kind: 'exit', code: terminated.exitCode, ...reason } };
  }
  if (status?.phase === 'Failed' || status?.phase === 'Succeeded') {
    // Ended without a container status (evicted, node lost): an infrastructure failure.
    return { started, outcome: { kind: 'error', error: new Error(`pod ${pod.metadata?.name ?? ''} ${status.phase}: ${status.reason ?? ''} ${status.message ?? ''}`.trim()) } };
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason !== undefined && IMAGE_REASONS.has(waiting.reason)) {
    const image = container?.image ?? pod.spec?.containers[0]?.image ?? '';
    return { started, outcome: { kind: 'error', error: new ImageNotFoundError(image, { cause: new Error(`${waiting.reason}: ${waiting.message ?? ''}`) }) } };
  }
  if (waiting?.reason !== undefined && START_REASONS.has(waiting.reason)) {
    return { started, outcome: { kind: 'error', error: new PodFailedToStartError(pod.metadata?.name ?? '', waiting.reason, waiting.message ?? '') } };
  }
  const scheduled = status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') return { started, unschedulable: scheduled.message ?? 'no node fits' };
  return { started };
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

function sleep<T>(ms: number, value: T): Promise<T> {
  return new Promise((r) => setTimeout(() => r(value), ms));
}

/** HTTP status of a client error: `code` on ApiException, `statusCode` on watch errors. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  if ('code' in err && typeof err.code === 'number') return err.code;
  if ('statusCode' in err && typeof err.statusCode === 'number') return err.statusCode;
  return undefined;
}
