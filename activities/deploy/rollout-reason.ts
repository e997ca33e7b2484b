/**
 * Why a rollout is not done, in words a user acts on: "deployment/shop: 2/3
 * replicas not ready: readiness probe failed: …". Read from the workload's
 * status, its Pods (container waiting reasons, conditions) and their events.
 * Pure: the cluster reads are done by rollout.ts.
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

/** Container waiting reasons that mean the Pod will not start by itself. */
const STUCK = /BackOff|Err|Invalid|CreateContainerConfigError/;

/** The most telling reason among a workload's Pods and their events ('' when none is known). */
export function podProblem(pods: readonly V1Pod[], events: readonly CoreV1Event[]): string {
  for (const pod of pods) {
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = status.state?.waiting;
      if (waiting?.reason !== undefined && STUCK.test(waiting.reason)) {
        return `container ${status.name}: ${waiting.reason}${waiting.message ? `: ${firstLine(waiting.message)}` : ''}`;
      }
      const terminated = status.lastState?.terminated;
      if (terminated !== undefined && (status.restartCount ?? 0) > 0) return `container ${status.name} exited with ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}`;
    }
  }
  const names = new Set(pods.map((p) => p.metadata?.name));
  const mine = events.filter((e) => e.type === 'Warning' && names.has(e.involvedObject.name));
  const latest = (reason: string): CoreV1Event | undefined => mine.filter((e) => e.reason === reason).sort(byTime).at(-1);
  const unhealthy = latest('Unhealthy');
  if (unhealthy?.message) return lowerFirst(firstLine(unhealthy.message.trim()));
  const failed = latest('FailedScheduling') ?? latest('FailedMount') ?? latest('FailedCreate');
  if (failed?.message) return `${failed.reason}: ${firstLine(failed.message)}`;
  for (const pod of pods) {
    if (pod.status?.phase === 'Pending') {
      const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      if (scheduled?.message) return `pod ${pod.metadata?.name ?? ''} not scheduled: ${firstLine(scheduled.message)}`;
    }
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
    if (ready?.message) return lowerFirst(firstLine(ready.message));
  }
  return '';
}

/** The whole sentence: `<kind>/<name>: <n>/<m> replicas not ready: <problem>`. */
export function notReadyReason(workload: string, notReady: number, desired: number, problem: string, fallback: string): string {
  return `${workload}: ${notReady}/${desired} replicas not ready: ${problem || fallback}`;
}

const byTime = (a: CoreV1Event, b: CoreV1Event): number => time(a) - time(b);
const time = (e: CoreV1Event): number => new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
const firstLine = (s: string): string => s.split('\n')[0] ?? '';
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
