/**
 * Errors of the activity layer. Runners throw these; the job activity maps
 * them to Temporal failures with `instanceof` (activities/run-job.ts):
 * non-retryable for what a retry of the same attempt cannot fix.
 */

/** The image of a job does not exist where the runner looks (locally, or in its registry); `detail` says what the runtime or registry said. */
export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';
  readonly image: string;
  readonly detail: string | undefined;
  constructor(image: string, options?: ErrorOptions & { detail?: string }) {
    super(`image ${image} not found${options?.detail ? `: ${options.detail}` : ''}`, options);
    this.image = image;
    this.detail = options?.detail;
  }
}

/** The registry refused the credentials for the job's image (or wants some and none were stored). */
export class RegistryAuthError extends Error {
  override readonly name = 'RegistryAuthError';
  readonly image: string;
  readonly server: string;
  constructor(image: string, server: string, detail: string, options?: ErrorOptions) {
    super(`registry ${server} refused to serve ${image}: ${detail}`, options);
    this.image = image;
    this.server = server;
  }
}

/** The runner cannot start the attempt as specified: a retry of the same attempt cannot fix it; the message is for the user. */
export abstract class RunnerRejectedError extends Error {}

/** A Pod stayed unschedulable (no node has the requested resources, taints, …). */
export class PodUnschedulableError extends RunnerRejectedError {
  override readonly name = 'PodUnschedulableError';
  readonly pod: string;
  constructor(pod: string, schedulerMessage: string, options?: ErrorOptions) {
    super(`pod ${pod} cannot be scheduled: ${schedulerMessage}`, options);
    this.pod = pod;
  }
}

/** The cluster refused to create the job container as specified (missing secret or config map, bad command, …). */
export class PodFailedToStartError extends RunnerRejectedError {
  override readonly name = 'PodFailedToStartError';
  readonly pod: string;
  readonly reason: string;
  constructor(pod: string, reason: string, detail: string, options?: ErrorOptions) {
    super(`pod ${pod} could not start its container: ${reason}${detail ? `: ${detail}` : ''}`, options);
    this.pod = pod;
    this.reason = reason;
  }
}

/** The API server refused the Pod as invalid (a Pod template's field, a bad quantity, …). */
export class PodRejectedError extends RunnerRejectedError {
  override readonly name = 'PodRejectedError';
  readonly pod: string;
  constructor(pod: string, apiMessage: string, options?: ErrorOptions) {
    super(`the cluster refused pod ${pod}: ${apiMessage}`, options);
    this.pod = pod;
  }
}

/** The runner stopped following a container that keeps running (worker shutdown); a retry re-attaches to it. */
export class WorkerDetachedError extends Error {
  override readonly name = 'WorkerDetachedError';
  readonly container: string;
  constructor(container: string) {
    super(`worker shutting down: left ${container} running for the retried attempt to re-attach`);
    this.container = container;
  }
}

/**
 * HTTP status of a client error, or undefined: `code` on the Kubernetes
 * client's ApiException, `statusCode` on its watch errors and on dockerode's.
 */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  if ('code' in err && typeof err.code === 'number') return err.code;
  if ('statusCode' in err && typeof err.statusCode === 'number') return err.statusCode;
  return undefined;
}
