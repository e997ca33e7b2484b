/**
 * Secrets inside the job activity: the workflow leaves `${{ secrets.NAME }}`
 * as written; here they are resolved into the job's fields (so they reach
 * the container as environment, inputs or script) and every resolved value
 * is masked as `***` in log lines and outputs before they are stored or
 * returned to the workflow.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { hasExpressions, interpolate, parseTemplate, references } from '../flow/expressions.ts';
import type { JobSpec } from '../flow/model.ts';
import type { SecretResolver } from '../store/secrets.ts';
import { BAD_INPUT } from './types.ts';

/** Names of the secrets a job's fields use. */
export function secretNames(job: JobSpec): string[] {
  const service = job.service === undefined ? [] : [job.service.url, ...Object.values(job.service.headers), job.service.body ?? ''];
  const texts = [...Object.values(job.inputs), ...Object.values(job.environments), job.script ?? '', ...(job.command ?? []), ...(job.args ?? []), ...service];
  const names = new Set<string>();
  for (const text of texts) {
    if (!hasExpressions(text)) continue;
    for (const part of parseTemplate(text)) {
      if (part.kind !== 'expr') continue;
      for (const ref of references(part.expr)) if (ref.segments[0] === 'secrets' && ref.segments[1] !== undefined) names.add(ref.segments[1]);
    }
  }
  return [...names];
}

/**
 * Resolves the secrets of a job; a secret no provider has fails the job
 * without retrying. Returns the job and the values to mask.
 */
export function resolveJobSecrets(job: JobSpec, resolver: SecretResolver | undefined): { job: JobSpec; values: string[] } {
  const names = secretNames(job);
  if (names.length === 0) return { job, values: [] };
  const secrets = resolveSecretValues(job, resolver);
  const text = (s: string): string => (hasExpressions(s) ? interpolate(s, { secrets }) : s);
  const map = (m: Readonly<Record<string, string>>): Record<string, string> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, text(v)]));
  return {
    job: {
      ...job,
      inputs: map(job.inputs),
      environments: map(job.environments),
      ...(job.script === undefined ? {} : { script: text(job.script) }),
      ...(job.command === undefined ? {} : { command: job.command.map(text) }),
      ...(job.args === undefined ? {} : { args: job.args.map(text) }),
    },
    values: Object.values(secrets),
  };
}

/** The values of the secrets a job uses, by name; a secret no provider has fails the job without retrying. */
export function resolveSecretValues(job: JobSpec, resolver: SecretResolver | undefined): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const name of secretNames(job)) {
    const value = resolver?.resolveSecret(name);
    if (value === undefined) throw ApplicationFailure.nonRetryable(`job ${job.path}: secret ${name} is not defined (store, COFLOW_SECRET_${name} or COFLOW_SECRETS_FILE)`, BAD_INPUT);
    secrets[name] = value;
  }
  return secrets;
}

/** A function that replaces every secret value in a text by `***` (longest first, so no part of one leaks). */
export function secretMasker(values: readonly string[]): (text: string) => string {
  const masked = [...new Set(values.filter((v) => v.length >= 2))].sort((a, b) => b.length - a.length);
  if (masked.length === 0) return (text) => text;
  return (text) => masked.reduce((t, v) => t.split(v).join('***'), text);
}
