/**
 * What a job activity receives and returns, and the failure types it throws
 * (Temporal `ApplicationFailure.type`): matched by these stable codes, never
 * by message. The activity implementations live in activities/.
 */
import type { JobSpec } from '../flow/model.ts';

export interface JobAttemptInput {
  readonly runId: string;
  readonly flowUri: string;
  readonly job: JobSpec;
  readonly attempt: number;
  /** Env vars bound by the job's `subscriptions`, resolved by the workflow. */
  readonly subscribed: Readonly<Record<string, string>>;
  /** The run's RunInput.secretsWithheld: every secret the attempt asks for is refused with it. */
  readonly secretsWithheld?: string;
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
export const FAILURE_TYPES = {
  /** The job as written cannot run (invalid image reference, undefined secret, bad expression). */
  badInput: 'BadJobInput',
  /** The image does not exist where the runner looks. */
  imageNotFound: 'ImageNotFound',
  /** The registry refused the credentials for the image (wrong or missing `REGISTRY_<HOST>` secret). */
  registryAuth: 'RegistryAuthRefused',
  /** The runner cannot start the attempt as specified (unschedulable Pod, missing config map, …). */
  runnerRejected: 'RunnerRejected',
  /** A Lua hook failed: its error, syntax error or exhausted limit. */
  hookFailed: 'LuaHookFailed',
} as const;

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
