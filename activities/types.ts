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
/** The runner cannot start the attempt as specified (unschedulable Pod, missing secret, …). */
export const RUNNER_REJECTED = 'RunnerRejected';

/** The `pre` hook of a job (run once per job, before its attempts). */
export interface PreHookInput {
  readonly runId: string;
  readonly jobPath: string;
  readonly jobName: string;
  readonly source: string;
  readonly inputs: Readonly<Record<string, string>>;
}

export interface PreHookResult {
  readonly inputs: Readonly<Record<string, string>>;
}

/** A Lua hook failed: its error, syntax error or exhausted limit (not retried). */
export const HOOK_FAILED = 'LuaHookFailed';
