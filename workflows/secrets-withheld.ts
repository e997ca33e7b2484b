/**
 * A run whose secrets are withheld (RunInput.secretsWithheld: a pull request
 * from a fork) fails, before any attempt, each job that would read one: a job
 * naming `${{ secrets.X }}` (container and service jobs) and every deploy job
 * (it acts with the environment's cluster credentials). Jobs without secrets
 * run as usual. The job activities refuse secrets of such a run too
 * (activities/secrets.ts), should one reach them another way. Pure.
 */
import type { JobSpec } from '../flow/model.ts';
import { secretNames } from '../flow/job-texts.ts';

/** Why the job may not run in a run whose secrets are withheld for `withheld`, or undefined. */
export function secretsRefusal(withheld: string | undefined, job: JobSpec): string | undefined {
  if (withheld === undefined) return undefined;
  if (job.kind === 'deploy') return `job ${job.path} deploys with the environment's cluster credentials: ${withheld}`;
  const names = secretNames(job);
  if (names.length === 0) return undefined;
  return `job ${job.path} uses secret${names.length > 1 ? 's' : ''} ${names.join(', ')}: ${withheld}`;
}
