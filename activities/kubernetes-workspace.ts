/**
 * Workspaces on the kubernetes runner: one PersistentVolumeClaim per run,
 * created on first use (storage class, size and access mode configurable),
 * mounted at `/workspace` by every Pod of the run that asks for it. With
 * ReadWriteOnce the run's workspace Pods are kept on one node by a required
 * Pod affinity on the `coflow.workspace` label; ReadWriteMany needs none.
 */
import { deletePodAndWait } from './kubernetes-pod-delete.ts';
import type { CoreV1Api, V1Affinity, V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { statusOf } from './errors.ts';
import type { WorkspaceMount, WorkspaceVolumes } from './runner.ts';

/** Access modes a workspace claim may ask for (COFLOW_K8S_WORKSPACE_ACCESS_MODE). */
export const WORKSPACE_ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteMany'] as const;
export type WorkspaceAccessMode = (typeof WORKSPACE_ACCESS_MODES)[number];

/** How the runner claims a run's workspace. */
export interface WorkspaceClaimSettings {
  /** Unset: the cluster's default StorageClass. */
  readonly storageClass?: string;
  /** The claim's storage request, a Kubernetes quantity (`1Gi`). */
  readonly size: string;
  readonly accessMode: WorkspaceAccessMode;
}

export const DEFAULT_CLAIM: WorkspaceClaimSettings = { size: '1Gi', accessMode: 'ReadWriteOnce' };

/** The Pod label naming the workspace a Pod mounts (the claim's name). */
export const WORKSPACE_LABEL = 'coflow.workspace';
const VOLUME = 'workspace';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'coflow' } as const;

/** What a Pod that mounts the workspace gets: the volume, its mount, a label and (ReadWriteOnce) the affinity. */
export function workspacePodParts(mount: WorkspaceMount, settings: WorkspaceClaimSettings): { volumes: V1Volume[]; volumeMounts: V1VolumeMount[]; labels: Record<string, string>; affinity?: V1Affinity } {
  const labels = { [WORKSPACE_LABEL]: mount.volume };
  return {
    volumes: [{ name: VOLUME, persistentVolumeClaim: { claimName: mount.volume } }],
    volumeMounts: [{ name: VOLUME, mountPath: mount.mountPath }],
    labels,
    // Every Pod of the workspace goes where the others run: the first one matches itself.
    ...(settings.accessMode === 'ReadWriteMany'
      ? {}
      : { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' }] } } }),
  };
}

export interface KubernetesWorkspacesOptions {
  readonly core: CoreV1Api;
  readonly namespace: string;
  readonly claim: WorkspaceClaimSettings;
  /** Turns a raw label value into a valid one (kubernetes-runner.ts `labelValue`). */
  readonly labelValue: (raw: string) => string;
  readonly imagePullPolicy: string;
  /** How long a copy may take. Default 10 min. */
  readonly copyTimeoutMs?: number;
}

export class KubernetesWorkspaces implements WorkspaceVolumes {
  readonly #o: KubernetesWorkspacesOptions;

  constructor(options: KubernetesWorkspacesOptions) {
    this.#o = options;
  }

  /** Creates the run's claim unless it exists. */
  async ensureClaim(name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    const { core, namespace, claim } = this.#o;
    try {
      await core.createNamespacedPersistentVolumeClaim({
        namespace,
        body: {
          metadata: { name, namespace, labels: { ...this.#labels(labels), ...MANAGED_BY }, annotations: { ...labels } },
          spec: {
            accessModes: [claim.accessMode],
            resources: { requests: { storage: claim.size } },
            ...(claim.storageClass === undefined ? {} : { storageClassName: claim.storageClass }),
          },
        },
      });
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
  }

  /** A helper Pod (the flow's job image) mounts both claims and runs `cp -a /from/. /to/`. */
  async copy(from: string, to: string, options: { readonly image: string; readonly labels: Readonly<Record<string, string>> }): Promise<boolean> {
    const { core, namespace } = this.#o;
    try {
      const claim = await core.readNamespacedPersistentVolumeClaim({ name: from, namespace });
      if (claim.metadata?.deletionTimestamp) return false;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
    await this.ensureClaim(to, options.labels);
    const name = `${to}-copy`;
    await this.#deletePod(name);
    await core.createNamespacedPod({ namespace, body: this.#copyPod(name, from, to, options) });
    try {
      await this.#awaitPod(name);
    } finally {
      await this.#deletePod(name);
    }
    return true;
  }

  async remove(volume: string): Promise<void> {
    try {
      await this.#o.core.deleteNamespacedPersistentVolumeClaim({ name: volume, namespace: this.#o.namespace });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  #labels(raw: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, this.#o.labelValue(v)]));
  }

  #copyPod(name: string, from: string, to: string, options: { readonly image: string; readonly labels: Readonly<Record<string, string>> }): V1Pod {
    const parts = workspacePodParts({ volume: to, mountPath: '/to' }, this.#o.claim);
    return {
      metadata: { name, namespace: this.#o.namespace, labels: { ...this.#labels(options.labels), ...parts.labels, ...MANAGED_BY } },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 0,
        ...(parts.affinity ? { affinity: parts.affinity } : {}),
        volumes: [...parts.volumes, { name: 'from', persistentVolumeClaim: { claimName: from, readOnly: true } }],
        containers: [
          {
            name: 'copy',
            image: options.image,
            imagePullPolicy: this.#o.imagePullPolicy,
            command: ['/bin/sh', '-c', 'cp -a /from/. /to/'],
            volumeMounts: [...parts.volumeMounts, { name: 'from', mountPath: '/from', readOnly: true }],
          },
        ],
      },
    };
  }

  async #awaitPod(name: string): Promise<void> {
    const { core, namespace, copyTimeoutMs = 600_000 } = this.#o;
    const deadline = Date.now() + copyTimeoutMs;
    for (;;) {
      const pod = await core.readNamespacedPod({ name, namespace });
      const phase = pod.status?.phase;
      if (phase === 'Succeeded') return;
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
      if (phase === 'Failed' || (waiting?.reason !== undefined && /Err|BackOff|Invalid/.test(waiting.reason))) {
        throw new Error(`workspace copy pod ${namespace}/${name} failed: ${waiting?.reason ?? pod.status?.reason ?? phase ?? ''} ${waiting?.message ?? pod.status?.message ?? ''}`.trim());
      }
      if (Date.now() > deadline) throw new Error(`workspace copy pod ${namespace}/${name} did not finish within ${copyTimeoutMs / 1000}s (phase ${phase ?? 'unknown'})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Deletes the Pod and waits until it is gone (a retried copy creates it again under the same name). */
  #deletePod(name: string): Promise<void> {
    return deletePodAndWait(this.#o.core, this.#o.namespace, name);
  }
}
