/**
 * The environment a component receives (SPEC §1): CO_DATA, CO_DATA_JSON,
 * the run context, the flow's and job's `environments`, and the variables
 * bound by `subscriptions`.
 */
import type { JobAttemptInput } from '../contracts/job-attempt.ts';

export interface JobEnv {
  readonly env: Record<string, string>;
  /** Inputs that CO_DATA cannot carry (white space), delivered only in CO_DATA_JSON. */
  readonly warnings: string[];
}

/** Builds the container environment of one job attempt. */
export function buildJobEnv(input: JobAttemptInput, workspaceDir?: string): JobEnv {
  const { job } = input;
  const warnings: string[] = [];
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(job.inputs)) {
    if (/\s/.test(value) || /\s/.test(key)) {
      warnings.push(`input ${key} contains white space, which CO_DATA cannot carry: it is delivered in CO_DATA_JSON only`);
      continue;
    }
    pairs.push(`${key}=${value}`);
  }
  const env: Record<string, string> = {};
  if (Object.keys(job.inputs).length > 0) {
    env.CO_DATA = pairs.join(' ');
  }
  env.CO_DATA_JSON = JSON.stringify(job.inputs);
  // Flow and job `environments` (already merged by the parser) may set CO_DATA
  // themselves, as ContainerOps flows do.
  Object.assign(env, job.environments, input.subscribed);
  env.CO_RUN_ID = input.runId;
  env.CO_FLOW = input.flowUri;
  env.CO_JOB = job.path;
  env.CO_ATTEMPT = String(input.attempt);
  if (workspaceDir !== undefined) env.CO_WORKSPACE = workspaceDir;
  return { env, warnings };
}

/** The command that replaces the image entrypoint, if any. */
export function jobCommand(input: JobAttemptInput): { command?: string[]; args?: string[] } {
  const { job } = input;
  if (job.script !== undefined) return { command: ['/bin/sh', '-c', job.script] };
  return {
    ...(job.command ? { command: [...job.command] } : {}),
    ...(job.args ? { args: [...job.args] } : {}),
  };
}

// A pragmatic image reference check (registry/name:tag@digest), so that a
// typo fails at once instead of being retried.
const IMAGE_REF = /^(?:[a-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** Returns an error message when `image` is not a valid image reference. */
export function checkImageRef(image: string): string | undefined {
  return IMAGE_REF.test(image) ? undefined : `invalid image reference "${image}"`;
}
