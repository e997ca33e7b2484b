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
