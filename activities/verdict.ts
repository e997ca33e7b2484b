/**
 * The verdict of a container attempt (SPEC §1): success only for exit code 0
 * and `CO_RESULT` not `false`, within the output limits. Pure.
 */
import type { OutputCollector } from '../contracts/cout.ts';
import type { JobAttemptResult } from '../contracts/job-attempt.ts';
import type { JobSpec } from '../flow/model.ts';
import type { ContainerResult } from './runner.ts';

/** What the container did, what it printed, and the warnings gathered on the way. */
export interface AttemptFacts {
  readonly job: JobSpec;
  readonly result: ContainerResult;
  readonly collector: OutputCollector;
  /** Warnings from building the environment (inputs CO_DATA cannot carry). */
  readonly warnings: readonly string[];
  readonly logLines: number;
}

export function judgeAttempt({ job, result, collector, warnings, logLines }: AttemptFacts): JobAttemptResult {
  const allWarnings = [...warnings, ...collector.warnings];
  for (const name of job.outputs) {
    if (collector.outputs[name] === undefined) allWarnings.push(`declared output ${name} was not printed`);
  }
  const base = { exitCode: result.exitCode, timedOut: result.timedOut, cancelled: result.cancelled, warnings: allWarnings, logLines, outputs: collector.outputs };
  const fail = (reason: string, retryable = true): JobAttemptResult => ({ ...base, succeeded: false, reason, retryable });

  if (result.cancelled) return fail('cancelled');
  if (result.timedOut) return fail(`timed out after ${job.timeoutMs / 1000}s`);
  if (collector.limitError !== undefined) return fail(collector.limitError, false);
  if (result.reason === 'OOMKilled') {
    // The same memory limit would kill it again: raise `resources.memory` instead of retrying.
    const limit = job.resources.memoryBytes === undefined ? '' : ` of ${job.resources.memoryBytes} bytes`;
    return fail(`killed: out of memory (OOMKilled at its memory limit${limit}), exit code ${String(result.exitCode)}`, false);
  }
  if (result.exitCode !== 0) {
    const verdict = collector.coResult() === 'true' ? ' (even though it reported CO_RESULT=true)' : '';
    return fail(`exited with code ${String(result.exitCode)}${verdict}`);
  }
  if (collector.coResult() === 'false') return fail('the component reported CO_RESULT=false');
  return { ...base, succeeded: true, retryable: true };
}
