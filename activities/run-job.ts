/**
 * The job activity: runs one attempt of a container job through the
 * configured runner, stores its log, parses `[COUT]` and decides the verdict.
 * It returns values; the workflow alone writes run state.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { OutputCollector } from './cout.ts';
import { buildJobEnv, checkImageRef, jobCommand } from './job-env.ts';
import { BAD_INPUT, IMAGE_NOT_FOUND, RUNNER_REJECTED, type JobAttemptInput, type JobAttemptResult } from './types.ts';
import type { ContainerResult, JobRunner, LogLine } from './runner.ts';
import type { LogStore, NewLogLine } from '../store/types.ts';
import { isImageNotFound, isPermanentRunnerFailure } from './errors.ts';
import { attemptName } from './attempt-name.ts';
import { runPostHook } from './lua/hooks.ts';
import type { LuaRunOptions } from './lua/run-hook.ts';
import { resolveJobSecrets, secretMasker } from './secrets.ts';
import type { SecretResolver } from '../store/secrets.ts';

export interface JobActivityDeps {
  readonly runner: JobRunner;
  readonly logs: LogStore;
  /** How often a live attempt heartbeats (ms). */
  readonly heartbeatEveryMs?: number;
  /** Resolves `${{ secrets.NAME }}` left in the job by the workflow. */
  readonly secrets?: SecretResolver;
  /** Limits and HTTP allow-list of the `post` Lua hook. */
  readonly lua?: Omit<LuaRunOptions, 'onLog'>;
}

/** Log lines are written in small batches: durable within this interval, cheap per line. */
const LOG_FLUSH_MS = 250;
const LOG_FLUSH_LINES = 200;

/**
 * A cancellation asked for by the workflow stops the container; a worker
 * shutting down only detaches from it, so the retried activity on another
 * worker re-attaches to the same container and nothing runs twice.
 */
function splitCancellation(ctx: Context): { signal: AbortSignal; detach: AbortSignal } {
  const stop = new AbortController();
  const detach = new AbortController();
  const onAbort = (): void => {
    if (ctx.cancellationDetails?.workerShutdown && !ctx.cancellationDetails.cancelRequested) detach.abort();
    else stop.abort();
  };
  if (ctx.cancellationSignal.aborted) onAbort();
  else ctx.cancellationSignal.addEventListener('abort', onAbort, { once: true });
  return { signal: stop.signal, detach: detach.signal };
}

/** Builds the activities with their dependencies. */
export function createJobActivities(deps: JobActivityDeps) {
  const { runner, logs, heartbeatEveryMs = 1_000, secrets, lua = {} } = deps;

  async function runJobAttempt(input: JobAttemptInput): Promise<JobAttemptResult> {
    const { runId, attempt } = input;
    // Secrets are resolved here, never in the workflow; their values are masked in every stored line.
    const resolved = resolveJobSecrets(input.job, secrets);
    const job = resolved.job;
    const mask = secretMasker(resolved.values);
    const ctx = Context.current();
    if (job.image === undefined) {
      throw ApplicationFailure.nonRetryable(`job ${job.path} has no image: its component was not resolved`, BAD_INPUT);
    }
    const badImage = checkImageRef(job.image);
    if (badImage) throw ApplicationFailure.nonRetryable(`job ${job.path}: ${badImage}`, BAD_INPUT);

    const { env, warnings } = buildJobEnv({ ...input, job });
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
      const text = mask(line.text);
      pending.push(text === line.text ? line : { ...line, text });
      collector.addLine(text);
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
          ...jobCommand({ ...input, job }),
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
        { onLine, ...splitCancellation(ctx) },
      );
    } catch (err) {
      if (isImageNotFound(err)) {
        throw ApplicationFailure.nonRetryable(
          `image ${job.image} not found on the ${runner.kind} runner (build or load it first; coflow does not pull)`,
          IMAGE_NOT_FOUND,
        );
      }
      if (isPermanentRunnerFailure(err)) throw ApplicationFailure.nonRetryable(`job ${job.path}: ${err.message}`, RUNNER_REJECTED);
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
    if (result.reason === 'OOMKilled') {
      // The same memory limit would kill it again: raise `resources.memory` instead of retrying.
      return fail(`killed: out of memory (OOMKilled at its memory limit${job.resources.memoryBytes === undefined ? '' : ` of ${job.resources.memoryBytes} bytes`}), exit code ${String(result.exitCode)}`, false);
    }
    if (result.exitCode !== 0) {
      const verdict = collector.coResult() === 'true' ? ' (even though it reported CO_RESULT=true)' : '';
      return fail(`exited with code ${String(result.exitCode)}${verdict}`);
    }
    if (collector.coResult() === 'false') return fail('the component reported CO_RESULT=false');
    if (job.post === undefined) return { ...base, succeeded: true, outputs: collector.outputs, retryable: true };

    // `post` runs after a successful attempt: it may rewrite the outputs or fail the attempt.
    const hookLines: string[] = [];
    const post = await runPostHook(job.post, input.job.inputs, collector.outputs, { runId, jobPath: job.path, jobName: job.name }, { ...lua, onLog: (l) => hookLines.push(mask(l)) });
    logs.appendLogs(runId, job.path, attempt, seq + 1, hookLines.map((l) => ({ ts: Date.now(), stream: 'stdout' as const, text: `[post] ${l}` })));
    const withHook = { ...base, logLines: seq + hookLines.length };
    if (!post.ok) return { ...withHook, succeeded: false, outputs: collector.outputs, reason: post.message, retryable: post.kind === 'runtime' };
    const outputs = Object.fromEntries(Object.entries(post.values).map(([k, v]) => [k, mask(v)]));
    return { ...withHook, succeeded: true, outputs, retryable: true };
  }

  return { runJobAttempt };
}

export type JobActivities = ReturnType<typeof createJobActivities>;
