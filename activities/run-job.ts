/**
 * The job activity: runs one attempt of a container job through the
 * configured runner, stores its log, parses `[COUT]`, decides the verdict and
 * runs the `post` hook. It returns values; the workflow alone writes run state.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { OutputCollector } from '../contracts/cout.ts';
import { FAILURE_TYPES, type JobAttemptInput, type JobAttemptResult } from '../contracts/job-attempt.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import type { JobSpec } from '../flow/model.ts';
import type { LogStore } from '../store/store.ts';
import { WORKSPACE_PATH } from '../contracts/workspace.ts';
import { attemptName } from './attempt-name.ts';
import { ImageNotFoundError, RegistryAuthError, RunnerRejectedError } from './errors.ts';
import { workspaceVolume } from './workspace-name.ts';
import { buildJobEnv, checkImageRef, jobCommand } from './job-env.ts';
import { LogBatcher } from './log-batcher.ts';
import { runPostHook } from './lua/hooks.ts';
import type { LuaRunOptions } from './lua/run-hook.ts';
import { registryAuthFor, registrySecretName } from './registry-auth.ts';
import type { ContainerResult, ContainerSpec, JobRunner, RegistryAuth } from './runner.ts';
import { JobMasking } from './job-masking.ts';
import { attemptSecrets, resolveJobSecrets } from './secrets.ts';
import { judgeAttempt } from './verdict.ts';

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

/**
 * A cancellation asked for by the workflow stops the container. Every other
 * reason the server or the SDK ends this activity only detaches from it, so
 * the retried activity re-attaches to the same container and nothing runs
 * twice: a worker shutting down, and an attempt the server no longer knows
 * (`notFound`) or timed out (`timedOut`: its heartbeats could not reach a
 * Temporal server that was down longer than the heartbeat timeout), whose
 * retry may already be following the container.
 */
function splitCancellation(ctx: Context): { signal: AbortSignal; detach: AbortSignal } {
  const stop = new AbortController();
  const detach = new AbortController();
  const onAbort = (): void => {
    const why = ctx.cancellationDetails;
    const handOver = why !== undefined && !why.cancelRequested && (why.workerShutdown || why.notFound || why.timedOut);
    if (handOver) detach.abort();
    else stop.abort();
  };
  if (ctx.cancellationSignal.aborted) onAbort();
  else ctx.cancellationSignal.addEventListener('abort', onAbort, { once: true });
  return { signal: stop.signal, detach: detach.signal };
}

/** The image to run, or a non-retryable failure naming what is wrong with it. */
function imageOf(job: JobSpec): string {
  if (job.kubectl !== undefined && job.podTemplate === undefined) {
    // Stored before templates were read at apply: the file it names is not coflow's to read at run time.
    const message = `job ${job.path}: its kubectl Pod template ${JSON.stringify(job.kubectl)} was not stored with the flow; apply the flow again`;
    throw ApplicationFailure.nonRetryable(message, FAILURE_TYPES.badInput);
  }
  if (job.image === undefined) {
    throw ApplicationFailure.nonRetryable(`job ${job.path} has no image: its component was not resolved`, FAILURE_TYPES.badInput);
  }
  const badImage = checkImageRef(job.image);
  if (badImage) throw ApplicationFailure.nonRetryable(`job ${job.path}: ${badImage}`, FAILURE_TYPES.badInput);
  return job.image;
}

/** The stored credentials of the image's registry; a secret that holds neither form fails the job without retrying. */
async function registryAuth(job: JobSpec, image: string, secrets: SecretResolver | undefined): Promise<RegistryAuth | undefined> {
  try {
    return await registryAuthFor(image, secrets);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`job ${job.path}: ${(err as Error).message}`, FAILURE_TYPES.badInput);
  }
}

function containerSpec(input: JobAttemptInput, job: JobSpec, image: string, env: Record<string, string>, auth: RegistryAuth | undefined): ContainerSpec {
  const { runId, attempt } = input;
  return {
    ...(job.workspace ? { workspace: { volume: workspaceVolume(runId), mountPath: WORKSPACE_PATH } } : {}),
    name: attemptName({ runId, jobPath: job.path, attempt }),
    image,
    ...jobCommand({ ...input, job }),
    env,
    labels: { 'coflow.run': runId, 'coflow.flow': input.flowUri, 'coflow.job': job.path, 'coflow.attempt': String(attempt) },
    resources: job.resources,
    timeoutMs: job.timeoutMs,
    ...(job.podTemplate === undefined ? {} : { podTemplate: job.podTemplate }),
    ...(job.imagePullPolicy === undefined ? {} : { pullPolicy: job.imagePullPolicy }),
    ...(auth === undefined ? {} : { registryAuth: auth }),
  };
}

/** Runner failures a retry of the same attempt cannot fix become non-retryable failures. */
function classifyRunnerFailure(err: unknown, runner: JobRunner, job: JobSpec): unknown {
  if (err instanceof ImageNotFoundError) {
    return ApplicationFailure.nonRetryable(`job ${job.path}: ${err.message} (${runner.kind} runner)`, FAILURE_TYPES.imageNotFound);
  }
  if (err instanceof RegistryAuthError) {
    return ApplicationFailure.nonRetryable(`job ${job.path}: ${err.message} (check the secret ${registrySecretName(err.server)})`, FAILURE_TYPES.registryAuth);
  }
  if (err instanceof RunnerRejectedError) return ApplicationFailure.nonRetryable(`job ${job.path}: ${err.message}`, FAILURE_TYPES.runnerRejected);
  return err;
}

/** Builds the activities with their dependencies. */
export function createJobActivities(deps: JobActivityDeps) {
  const { runner, logs, heartbeatEveryMs = 1_000, secrets, lua = {} } = deps;

  /** Runs the container, storing every line (masked) and collecting `[COUT]` outputs. */
  async function runContainer(spec: ContainerSpec, log: LogBatcher, collector: OutputCollector, masking: JobMasking): Promise<ContainerResult> {
    const ctx = Context.current();
    const heartbeat = setInterval(() => ctx.heartbeat({ lines: log.count }), heartbeatEveryMs);
    const { signal, detach } = splitCancellation(ctx);
    try {
      return await runner.run(spec, {
        // Lines are numbered from 1 in the order the runner delivers them; a re-attached
        // attempt replays from the start and the store ignores the seqs it has (the
        // replay also adds the `::mask::` values of the lines stored before).
        onLine: (line) => {
          const text = masking.line(line.text);
          collector.addLine(text);
          return log.add(text === line.text ? line : { ...line, text });
        },
        skipLines: (count) => log.skip(count),
        signal,
        // A log the store cannot take (an outage past its budget): leave the container running;
        // close() below fails the activity, and its retry re-attaches and stores the rest.
        detach: AbortSignal.any([detach, log.failed]),
      });
    } finally {
      clearInterval(heartbeat);
      await log.close();
    }
  }

  /** `post` runs after a successful attempt: it may rewrite the outputs or fail the attempt. */
  async function afterSuccess(input: JobAttemptInput, job: JobSpec, verdict: JobAttemptResult, mask: (t: string) => string): Promise<JobAttemptResult> {
    if (job.post === undefined) return verdict;
    const hookLines: string[] = [];
    const where = { runId: input.runId, jobPath: job.path, jobName: job.name };
    const post = await runPostHook(job.post, input.job.inputs, verdict.outputs, where, { ...lua, onLog: (l) => hookLines.push(mask(l)) });
    const lines = hookLines.map((l) => ({ ts: Date.now(), stream: 'stdout' as const, text: `[post] ${l}` }));
    await logs.appendLogs(input.runId, job.path, input.attempt, verdict.logLines + 1, lines);
    const withHook = { ...verdict, logLines: verdict.logLines + lines.length };
    if (!post.ok) return { ...withHook, succeeded: false, reason: post.message, retryable: post.kind === 'runtime' };
    return { ...withHook, outputs: Object.fromEntries(Object.entries(post.values).map(([k, v]) => [k, mask(v)])) };
  }

  async function runJobAttempt(input: JobAttemptInput): Promise<JobAttemptResult> {
    // Secrets are resolved here, never in the workflow; their values are masked in every stored line.
    const resolved = await resolveJobSecrets(input.job, attemptSecrets(input.secretsWithheld, secrets));
    const job = resolved.job;
    const image = imageOf(job);
    // Registry credentials stay usable: the runner pulls with them, they never reach the container, and the image is the stored flow's.
    const auth = await registryAuth(job, image, secrets);
    const masking = new JobMasking([...resolved.values, ...(auth === undefined ? [] : [auth.password])]);
    if (job.workspace && runner.workspaces === undefined) {
      throw ApplicationFailure.nonRetryable(`job ${job.path}: the ${runner.kind} runner has no workspace volumes (workspace: true)`, FAILURE_TYPES.runnerRejected);
    }
    const { env, warnings } = buildJobEnv({ ...input, job }, job.workspace ? WORKSPACE_PATH : undefined);
    const collector = new OutputCollector();
    const log = new LogBatcher(logs, { runId: input.runId, jobPath: job.path, attempt: input.attempt });
    let result: ContainerResult;
    try {
      result = await runContainer(containerSpec(input, job, image, env, auth), log, collector, masking);
    } catch (err) {
      throw classifyRunnerFailure(err, runner, job);
    }
    const judged = judgeAttempt({ job, result, collector, warnings: [...warnings, ...(result.warnings ?? [])], logLines: log.count });
    // Outputs leave the activity only now: a value the job asked to mask after printing one is masked in it too.
    const verdict = { ...judged, outputs: Object.fromEntries(Object.entries(judged.outputs).map(([k, v]) => [k, masking.text(v)])) };
    return verdict.succeeded ? afterSuccess(input, job, verdict, masking.text) : verdict;
  }

  return { runJobAttempt };
}

export type JobActivities = ReturnType<typeof createJobActivities>;
