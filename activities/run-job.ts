/**
 * The job activity: runs one attempt of a container job through the
 * configured runner, stores its log, parses `[COUT]` and decides the verdict.
 * It returns values; the workflow alone writes run state.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { OutputCollector } from './cout.ts';
import { buildJobEnv, checkImageRef, jobCommand } from './job-env.ts';
import { BAD_INPUT, IMAGE_NOT_FOUND, type JobAttemptInput, type JobAttemptResult } from './types.ts';
import type { ContainerResult, JobRunner, LogLine } from './runner.ts';
import type { LogStore, NewLogLine } from '../store/types.ts';
import { isImageNotFound } from './errors.ts';
import { attemptName } from './attempt-name.ts';

export interface JobActivityDeps {
  readonly runner: JobRunner;
  readonly logs: LogStore;
  /** How often a live attempt heartbeats (ms). */
  readonly heartbeatEveryMs?: number;
}

/** Log lines are written in small batches: durable within this interval, cheap per line. */
const LOG_FLUSH_MS = 250;
const LOG_FLUSH_LINES = 200;

/** Builds the activities with their dependencies. */
export function createJobActivities(deps: JobActivityDeps) {
  const { runner, logs, heartbeatEveryMs = 1_000 } = deps;

  async function runJobAttempt(input: JobAttemptInput): Promise<JobAttemptResult> {
    const { job, runId, attempt } = input;
    const ctx = Context.current();
    if (job.image === undefined) {
      throw ApplicationFailure.nonRetryable(`job ${job.path} has no image: its component was not resolved`, BAD_INPUT);
    }
    const badImage = checkImageRef(job.image);
    if (badImage) throw ApplicationFailure.nonRetryable(`job ${job.path}: ${badImage}`, BAD_INPUT);

    const { env, warnings } = buildJobEnv(input);
    const collector = new OutputCollector();

    // Lines are numbered from 1 in the order the runner delivers them; a
    // re-attached attempt replays from the start and already-stored seqs are
    // ignored by the store, so nothing is lost or duplicated.
    let seq = 0;
    let flushedTo = 0;
    let pending: NewLogLine[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      logs.appendLogs(runId, job.path, attempt, flushedTo + 1, pending);
      flushedTo += pending.length;
      pending = [];
    };
    const onLine = (line: LogLine): void => {
      seq++;
      pending.push(line);
      collector.addLine(line.text);
      if (pending.length >= LOG_FLUSH_LINES) flush();
    };
    const flushTimer = setInterval(flush, LOG_FLUSH_MS);
    const heartbeat = setInterval(() => ctx.heartbeat({ lines: seq }), heartbeatEveryMs);

    let result: ContainerResult;
    try {
      result = await runner.run(
        {
          name: attemptName({ runId, jobPath: job.path, attempt }),
          image: job.image,
          ...jobCommand(input),
          env,
          labels: {
            'coflow.run': runId,
            'coflow.flow': input.flowUri,
            'coflow.job': job.path,
            'coflow.attempt': String(attempt),
          },
          resources: job.resources,
          timeoutMs: job.timeoutMs,
        },
        { onLine, signal: ctx.cancellationSignal },
      );
    } catch (err) {
      if (isImageNotFound(err)) {
        throw ApplicationFailure.nonRetryable(
          `image ${job.image} not found on the ${runner.kind} runner (build or load it first; coflow does not pull)`,
          IMAGE_NOT_FOUND,
        );
      }
      throw err;
    } finally {
      clearInterval(flushTimer);
      clearInterval(heartbeat);
      flush();
    }

    const allWarnings = [...warnings, ...collector.warnings];
    for (const name of job.outputs) {
      if (collector.outputs[name] === undefined) allWarnings.push(`declared output ${name} was not printed`);
    }
    const base = { exitCode: result.exitCode, timedOut: result.timedOut, cancelled: result.cancelled, warnings: allWarnings, logLines: seq };
    const fail = (reason: string, retryable = true): JobAttemptResult => ({ ...base, succeeded: false, outputs: collector.outputs, reason, retryable });

    if (result.cancelled) return fail('cancelled');
    if (result.timedOut) return fail(`timed out after ${job.timeoutMs / 1000}s`);
    if (collector.limitError !== undefined) return fail(collector.limitError, false);
    if (result.exitCode !== 0) {
      const verdict = collector.coResult() === 'true' ? ' (even though it reported CO_RESULT=true)' : '';
      return fail(`exited with code ${String(result.exitCode)}${verdict}`);
    }
    if (collector.coResult() === 'false') return fail('the component reported CO_RESULT=false');
    return { ...base, succeeded: true, outputs: collector.outputs, retryable: true };
  }

  return { runJobAttempt };
}

export type JobActivities = ReturnType<typeof createJobActivities>;
