/**
 * Waiting for workloads to roll out (docs/deploy-jobs.md): Deployments,
 * StatefulSets and DaemonSets are read until every replica runs the new
 * template and is available, or the time is up — then the reason is read
 * from the cluster (rollout-reason.ts). A Deployment past its progress
 * deadline fails at once. Safe to repeat: it only reads.
 */
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1LabelSelector, type V1Pod } from '@kubernetes/client-node';
import { statusOf } from '../errors.ts';
import { notReadyReason, podProblem } from './rollout-reason.ts';

export interface WorkloadRef {
  readonly kind: string;
  readonly name: string;
}

export interface RolloutWait {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly workloads: readonly WorkloadRef[];
  readonly timeoutMs: number;
  /** Called on every poll (the activity heartbeats). */
  readonly onPoll?: () => void;
  readonly pollMs?: number;
}

interface WorkloadState {
  readonly done: boolean;
  readonly desired: number;
  readonly ready: number;
  readonly selector?: V1LabelSelector;
  /** A condition that ends the wait early (ProgressDeadlineExceeded). */
  readonly failed?: string;
}

/** Resolves to undefined once all workloads are rolled out, else to the reason. */
export async function waitForRollout(wait: RolloutWait): Promise<string | undefined> {
  const apps = wait.kubeConfig.makeApiClient(AppsV1Api);
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    wait.onPoll?.();
    let pending: { ref: WorkloadRef; state: WorkloadState } | undefined;
    for (const ref of wait.workloads) {
      const state = await readState(apps, wait.namespace, ref);
      if (state.failed !== undefined) return `${label(ref)}: ${state.failed}`;
      if (!state.done) {
        pending = { ref, state };
        break;
      }
    }
    if (pending === undefined) return undefined;
    if (Date.now() >= deadline) return explain(wait, pending.ref, pending.state);
    await new Promise((r) => setTimeout(r, wait.pollMs ?? 1000));
  }
}

const label = (ref: WorkloadRef): string => `${ref.kind.toLowerCase()}/${ref.name}`;

async function readState(apps: AppsV1Api, namespace: string, ref: WorkloadRef): Promise<WorkloadState> {
  const { kind, name } = ref;
  try {
    if (kind === 'Deployment') {
      const d = await apps.readNamespacedDeployment({ name, namespace });
      const desired = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      const stalled = s.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
      const done = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && (s.updatedReplicas ?? 0) === desired && (s.availableReplicas ?? 0) === desired && (s.replicas ?? 0) === desired;
      return { done, desired, ready: s.availableReplicas ?? 0, selector: d.spec?.selector, ...(stalled && !done ? { failed: `ProgressDeadlineExceeded: ${stalled.message ?? ''}` } : {}) };
    }
    if (kind === 'StatefulSet') {
      const st = await apps.readNamespacedStatefulSet({ name, namespace });
      const desired = st.spec?.replicas ?? 1;
      const s = st.status;
      const done = (s?.observedGeneration ?? 0) >= (st.metadata?.generation ?? 0) && s?.updateRevision === s?.currentRevision && (s?.readyReplicas ?? 0) === desired && (s?.updatedReplicas ?? desired) === desired;
      return { done, desired, ready: s?.readyReplicas ?? 0, selector: st.spec?.selector };
    }
    const ds = await apps.readNamespacedDaemonSet({ name, namespace });
    const s = ds.status;
    const desired = s?.desiredNumberScheduled ?? 0;
    const done = (s?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0) && (s?.updatedNumberScheduled ?? 0) === desired && (s?.numberAvailable ?? 0) === desired;
    return { done, desired, ready: s?.numberAvailable ?? 0, selector: ds.spec?.selector };
  } catch (err) {
    if (statusOf(err) === 404) return { done: false, desired: 0, ready: 0, failed: 'is gone from the cluster' };
    throw err;
  }
}

function selectorText(selector: V1LabelSelector | undefined): string {
  return Object.entries(selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

async function explain(wait: RolloutWait, ref: WorkloadRef, state: WorkloadState): Promise<string> {
  const core = wait.kubeConfig.makeApiClient(CoreV1Api);
  const fallback = `rollout did not finish within ${Math.round(wait.timeoutMs / 1000)} s`;
  try {
    const pods = (await core.listNamespacedPod({ namespace: wait.namespace, labelSelector: selectorText(state.selector) })).items;
    const notReady = pods.filter((p: V1Pod) => !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    const events = (await core.listNamespacedEvent({ namespace: wait.namespace, fieldSelector: 'involvedObject.kind=Pod' })).items;
    const missing = Math.max(0, state.desired - state.ready);
    return notReadyReason(label(ref), missing, state.desired, podProblem(notReady.length > 0 ? notReady : pods, events), fallback);
  } catch {
    return notReadyReason(label(ref), Math.max(0, state.desired - state.ready), state.desired, '', fallback);
  }
}
