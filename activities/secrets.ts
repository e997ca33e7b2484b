/**
 * Secrets inside the job activities: the workflow leaves `${{ secrets.NAME }}`
 * as written; here they are resolved into the job's fields (so they reach
 * the container as environment, inputs or script) and every resolved value
 * is masked as `***` in log lines and outputs before they are stored or
 * returned to the workflow.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { FAILURE_TYPES } from '../contracts/job-attempt.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import { hasExpressions, interpolate } from '../flow/expressions/index.ts';
import { mapJobTexts } from '../flow/job-texts.ts';
import type { JobSpec } from '../flow/model.ts';
import { secretMasker, secretNames } from '../flow/secret-masking.ts';

export { secretMasker };

/**
 * Resolves the secrets of a container job into its fields; a secret no
 * provider has fails the job without retrying. Returns the job and the values to mask.
 */
export async function resolveJobSecrets(job: JobSpec, resolver: SecretResolver | undefined): Promise<{ job: JobSpec; values: string[] }> {
  if (secretNames(job).length === 0) return { job, values: [] };
  const secrets = await resolveSecretValues(job, resolver);
  const text = (s: string): string => (hasExpressions(s) ? interpolate(s, { secrets }) : s);
  return { job: mapJobTexts(job, text), values: Object.values(secrets) };
}

/** The values of the secrets a job uses, by name; a secret no provider has fails the job without retrying. */
export async function resolveSecretValues(job: JobSpec, resolver: SecretResolver | undefined): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const name of secretNames(job)) {
    const value = await resolver?.(name);
    if (value === undefined) {
      throw ApplicationFailure.nonRetryable(`job ${job.path}: secret ${name} is not defined (store, COFLOW_SECRET_${name} or COFLOW_SECRETS_FILE)`, FAILURE_TYPES.badInput);
    }
    secrets[name] = value;
  }
  return secrets;
}

/**
 * The resolver an attempt may use: for a run whose secrets are withheld (a
 * pull request from a fork), one that refuses every secret with the reason,
 * without retrying.
 */
export function attemptSecrets(withheld: string | undefined, resolver: SecretResolver | undefined): SecretResolver | undefined {
  if (withheld === undefined) return resolver;
  return (name) => Promise.reject(ApplicationFailure.nonRetryable(`secret ${name}: ${withheld}`, FAILURE_TYPES.badInput));
}
