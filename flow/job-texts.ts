/**
 * The job fields that may hold `${{ }}`, listed once. Validation checks their
 * expressions (flow/check-expressions.ts), the run workflow evaluates them
 * (workflows/expressions-context.ts), the job activities resolve the secrets
 * left in them (activities/secrets.ts, activities/service.ts). Pure.
 */
import { hasExpressions, parseTemplate, references } from './expressions/index.ts';
import type { DeploySpec, JobSpec, ServiceSpec } from './model.ts';

/** Fields of a container job whose text is interpolated. */
export const JOB_TEXT_FIELDS = ['inputs', 'environments', 'script', 'command', 'args'] as const;
/** Fields of a `service` job's call whose text is interpolated (header values only, not names). */
export const SERVICE_TEXT_FIELDS = ['url', 'headers', 'body'] as const;

const mapValues = (m: Readonly<Record<string, string>>, text: (s: string) => string): Record<string, string> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, text(v)]));

/** The job with `text` applied to every {@link JOB_TEXT_FIELDS} value. */
export function mapJobTexts(job: JobSpec, text: (s: string) => string): JobSpec {
  return {
    ...job,
    inputs: mapValues(job.inputs, text),
    environments: mapValues(job.environments, text),
    ...(job.script === undefined ? {} : { script: text(job.script) }),
    ...(job.command === undefined ? {} : { command: job.command.map(text) }),
    ...(job.args === undefined ? {} : { args: job.args.map(text) }),
  };
}

/** The call with `text` applied to every {@link SERVICE_TEXT_FIELDS} value. */
export function mapServiceTexts(service: ServiceSpec, text: (s: string) => string): ServiceSpec {
  return {
    ...service,
    url: text(service.url),
    headers: mapValues(service.headers, text),
    ...(service.body === undefined ? {} : { body: text(service.body) }),
  };
}

/**
 * Fields of a `deploy` job whose text is interpolated: the inline manifest
 * template (a `file:` manifest is rendered by the engine from the workspace).
 * It may also read `environment.*` (flow/check-expressions.ts).
 */
export const DEPLOY_TEXT_FIELDS = ['manifest'] as const;

/** The deployment with `text` applied to its inline manifest. */
export function mapDeployTexts(deploy: DeploySpec, text: (s: string) => string): DeploySpec {
  return 'inline' in deploy.manifest ? { ...deploy, manifest: { inline: text(deploy.manifest.inline) } } : deploy;
}

/** Every interpolated text of a job, its service call's and its deploy manifest's included. */
export function jobTexts(job: JobSpec): string[] {
  const texts: string[] = [];
  mapJobTexts(job, (s) => (texts.push(s), s));
  if (job.service !== undefined) mapServiceTexts(job.service, (s) => (texts.push(s), s));
  if (job.deploy !== undefined) mapDeployTexts(job.deploy, (s) => (texts.push(s), s));
  return texts;
}

/** Names of the secrets a job's fields use (its service call's included). */
export function secretNames(job: JobSpec): string[] {
  const names = new Set<string>();
  for (const text of jobTexts(job)) {
    if (!hasExpressions(text)) continue;
    for (const part of parseTemplate(text)) {
      if (part.kind !== 'expr') continue;
      for (const ref of references(part.expr)) if (ref.segments[0] === 'secrets' && ref.segments[1] !== undefined) names.add(ref.segments[1]);
    }
  }
  return [...names];
}
