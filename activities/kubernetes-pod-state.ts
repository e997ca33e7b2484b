/**
 * What a job Pod's status says about its attempt: the outcome once the job
 * container ended, and the start failures retrying cannot fix (image, config,
 * init containers). Pure reading of the API's objects, no calls.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { ImageNotFoundError, PodFailedToStartError, RegistryAuthError } from './errors.ts';
import { registryHost } from './registry-auth.ts';

/** Waiting reasons that mean the image cannot be had: retrying will not help. */
const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);
/** Waiting reasons that mean the container cannot be created as specified. */
const START_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export type Outcome =
  | { kind: 'exit'; code: number; reason?: string }
  | { kind: 'timeout' }
  | { kind: 'cancel' }
  | { kind: 'detach' }
  | { kind: 'error'; error: Error };

/** What a Pod's status says about the attempt whose job runs in `jobContainer`. */
export function judge(pod: V1Pod, jobContainer: string): { started: boolean; outcome?: Outcome; unschedulable?: string } {
  const status = pod.status;
  const container = status?.containerStatuses?.find((c) => c.name === jobContainer);
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
  const failure = startFailure(pod, jobContainer);
  if (failure !== undefined) return { started, outcome: { kind: 'error', error: failure } };
  const scheduled = status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') return { started, unschedulable: scheduled.message ?? 'no node fits' };
  return { started };
}

/**
 * Why the Pod's containers cannot start, if they cannot: an image that cannot
 * be had or a container that cannot be created (the job's, a sidecar's or an
 * init container's), or an init container that failed (with `restartPolicy:
 * Never` the job container then never starts).
 */
function startFailure(pod: V1Pod, jobContainer: string): Error | undefined {
  const name = pod.metadata?.name ?? '';
  const inits = pod.status?.initContainerStatuses ?? [];
  for (const c of [...inits, ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    if (waiting?.reason !== undefined && IMAGE_REASONS.has(waiting.reason)) {
      return imageError(c.image, waiting.reason, waiting.message ?? '');
    }
    if (waiting?.reason !== undefined && START_REASONS.has(waiting.reason)) {
      return new PodFailedToStartError(name, waiting.reason, `${c.name === jobContainer ? '' : `container ${c.name}: `}${waiting.message ?? ''}`);
    }
  }
  const failedInit = inits.find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);
  if (failedInit !== undefined) {
    const t = failedInit.state!.terminated!;
    return new PodFailedToStartError(name, 'InitContainerFailed', `init container ${failedInit.name} exited with code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}`);
  }
  return undefined;
}

/** The API server's own words from a refused request. */
export function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown } | undefined;
    if (typeof parsed?.message === 'string') return parsed.message;
  } catch {
    // not JSON: the error's own message below
  }
  return (err as Error).message;
}

/** Why the kubelet cannot have an image: credentials refused, or the image missing (or unreachable). */
function imageError(image: string, reason: string, message: string): Error {
  const cause = new Error(`${reason}: ${message}`);
  if (/unauthorized|authentication required|no basic auth credentials|401/i.test(message)) {
    return new RegistryAuthError(image, registryHost(image), `${reason}: ${message}`, { cause });
  }
  const detail = reason === 'ErrImageNeverPull' ? 'it is not on the node and the pull policy is Never' : `${reason}: ${message}`;
  return new ImageNotFoundError(image, { cause, detail });
}
