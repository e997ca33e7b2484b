/**
 * Errors of the activity layer and the one place that classifies runner
 * failures. Runners throw these; the job activity maps them to Temporal
 * failures (non-retryable for bad input).
 */

/** The image of a job does not exist where the runner looks (no registry pull). */
export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';
  readonly image: string;
  constructor(image: string, options?: ErrorOptions) {
    super(`image ${image} not found`, options);
    this.image = image;
  }
}

/** True for an image that cannot be found: retrying will not help. */
export function isImageNotFound(err: unknown): boolean {
  return err instanceof Error && err.name === 'ImageNotFoundError';
}

/** A Pod stayed unschedulable (no node has the requested resources, taints, …): not retried. */
export class PodUnschedulableError extends Error {
  override readonly name = 'PodUnschedulableError';
  readonly pod: string;
  constructor(pod: string, schedulerMessage: string, options?: ErrorOptions) {
    super(`pod ${pod} cannot be scheduled: ${schedulerMessage}`, options);
    this.pod = pod;
  }
}

/** The cluster refused to create the job container as specified (missing secret or config map, bad command, …): not retried. */
export class PodFailedToStartError extends Error {
  override readonly name = 'PodFailedToStartError';
  readonly pod: string;
  readonly reason: string;
  constructor(pod: string, reason: string, detail: string, options?: ErrorOptions) {
    super(`pod ${pod} could not start its container: ${reason}${detail ? `: ${detail}` : ''}`, options);
    this.pod = pod;
    this.reason = reason;
  }
}

/** True for a runner failure that a retry of the same attempt cannot fix; its message is for the user. */
export function isPermanentRunnerFailure(err: unknown): err is Error {
  return err instanceof Error && (err.name === 'PodUnschedulableError' || err.name === 'PodFailedToStartError');
}

/** The runner stopped following a container that keeps running (worker shutdown); a retry re-attaches to it. */
export class WorkerDetachedError extends Error {
  override readonly name = 'WorkerDetachedError';
  constructor(container: string) {
    super(`worker shutting down: left ${container} running for the retried attempt to re-attach`);
  }
}
