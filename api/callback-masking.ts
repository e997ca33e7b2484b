/**
 * Masking of what a service job's callback brings: its outputs and message
 * reach the run (and Temporal's history) through the API, not the worker, so
 * the API replaces the values of the job's secrets by `***` exactly as the
 * worker does for container outputs and log lines (activities/secrets.ts).
 */
import { secretMasker, secretNames } from '../flow/secret-masking.ts';
import { allJobs } from '../flow/model.ts';
import { runInputOf } from '../runs/read-run.ts';
import { chainSecrets } from '../store/secrets.ts';
import type { CallbackTarget } from '../store/store.ts';
import type { ApiDeps } from './context.ts';

/**
 * The masker of the callback's job: the values of the secrets its fields use,
 * resolved like the worker resolves them (configuration first, then the store).
 * A secret deleted since the call cannot be resolved, so it cannot appear either.
 */
export async function callbackMasker(deps: Pick<ApiDeps, 'temporal' | 'resolveSecret' | 'secrets'>, target: CallbackTarget): Promise<(text: string) => string> {
  const { flow } = await runInputOf(deps.temporal, target.runId);
  const job = allJobs(flow).find((j) => j.path === target.jobPath);
  const names = job === undefined ? [] : secretNames(job);
  if (names.length === 0) return (text) => text;
  const resolve = deps.secrets === undefined ? deps.resolveSecret : chainSecrets(deps.resolveSecret, deps.secrets.resolve);
  const values = await Promise.all(names.map((name) => resolve(name)));
  return secretMasker(values.filter((v): v is string => v !== undefined));
}
