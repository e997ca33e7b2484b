/**
 * The activity contract as the workflow sees it: input and result shapes.
 * Type-only for workflows/ (they import these with `import type`).
 */
import type { JobSpec } from '../flow/model.ts';

export interface JobAttemptInput {
  readonly runId: string;
  readonly flowUri: string;
  readonly job: JobSpec;
  readonly attempt: number;
  /** Env vars bound by the job's `subscriptions`, resolved by the workflow. */
  readonly subscribed: Readonly<Record<string, string>>;
}

export interface JobAttemptResult {
  readonly succeeded: boolean;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly outputs: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
  /** Why the attempt failed. */
  readonly reason?: string;
  /** False when retrying cannot help (bad input). */
  readonly retryable: boolean;
  readonly logLines: number;
}

/** Non-retryable ApplicationFailure types thrown by activities. */
export const BAD_INPUT = 'BadJobInput';
export const IMAGE_NOT_FOUND = 'ImageNotFound';
