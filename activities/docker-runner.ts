/**
 * The `docker` runner: one container per job attempt through the Docker
 * Engine API (dockerode). See {@link DockerRunner.run} for the lifecycle.
 */
import { Buffer } from 'node:buffer';
import Dockerode from 'dockerode';
import { DockerWorkspaces, ensureVolume } from './docker-workspace.ts';
import { DockerLogDecoder } from './line-splitter.ts';
import { ensureImage } from './docker-pull.ts';
import { ImageNotFoundError, WorkerDetachedError, statusOf } from './errors.ts';
import { dockerAttempt } from './pod-template.ts';
import type { ContainerResult, ContainerSpec, JobRunner, RunHooks } from './runner.ts';
import type { LogLine } from '../contracts/logs.ts';
import type { ImagePullPolicy } from '../flow/model.ts';

/** Options for {@link DockerRunner}; the environment is read by the caller, not here. */
export interface DockerRunnerOptions {
  /** A ready client (tests, custom TLS/remote setups). Wins over `socketPath`. */
  readonly docker?: Dockerode;
  /** Unix socket of the daemon; dockerode's default when both are unset. */
  readonly socketPath?: string;
  /** When a job that sets no `imagePullPolicy` pulls its image; default `IfNotPresent`. */
  readonly imagePullPolicy?: ImagePullPolicy;
}

/** Label holding how many pull lines the attempt's log starts with: a re-attaching try skips them. */
const PULL_LINES_LABEL = 'coflow.pull-lines';

/** A started (or re-attached) container, its deadline (ms epoch) and the pull lines an earlier try logged. */
interface Created { readonly container: Dockerode.Container; readonly deadline?: number; readonly skip: number }

type Outcome = { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'cancel' } | { kind: 'detach' };

/** Runs job containers on a Docker daemon. */
export class DockerRunner implements JobRunner {
  readonly kind = 'docker';
  readonly #docker: Dockerode;
  readonly #pullPolicy: ImagePullPolicy;
  readonly workspaces: DockerWorkspaces;

  constructor(options: DockerRunnerOptions = {}) {
    this.#pullPolicy = options.imagePullPolicy ?? 'IfNotPresent';
    this.#docker =
      options.docker ?? new Dockerode(options.socketPath === undefined ? {} : { socketPath: options.socketPath });
    this.workspaces = new DockerWorkspaces(this.#docker);
  }

  /**
   * Pull the image as the pull policy asks (progress lines first in the log),
   * then create and start the container named `spec.name` — or, when one with that
   * name exists (a retried activity after a worker crash), attach to it
   * whatever its state, pulling nothing. Streams its whole log through `hooks.onLine`, waits
   * for the exit, enforces the timeout and cancellation by SIGKILL, and
   * always force-removes the container before returning or throwing.
   *
   * On attach the log is replayed from the container's start, so lines the
   * previous attempt already stored arrive again: the caller skips what it
   * has by timestamp (ms, plus position among lines of equal timestamp). On
   * attach the timeout counts from the container's original start, and a
   * container that already exited is judged by its exit code alone.
   */
  async run(jobSpec: ContainerSpec, hooks: RunHooks): Promise<ContainerResult> {
    // A kubectl Pod template: what Docker can honour of it, and a warning on the job naming the rest.
    const { spec, workingDir, warnings } = dockerAttempt(jobSpec);
    if (hooks.signal.aborted) {
      // Cancelled before we began: start nothing, but leave no container behind.
      await removeQuietly(this.#docker.getContainer(spec.name));
      return { exitCode: null, timedOut: false, cancelled: true };
    }
    const policy = spec.pullPolicy ?? this.#pullPolicy;
    // `Always` pulls before creating (unless the attempt's container exists); the others create
    // at once, as `docker run` does: the daemon's answer says whether the image is there.
    let pullLines = policy === 'Always' ? await this.#pullUnlessCreated(spec, hooks) : 0;
    if (hooks.signal.aborted) return { exitCode: null, timedOut: false, cancelled: true };
    let created = await this.#createOrAttach(spec, workingDir, pullLines);
    if ('missing' in created && policy === 'IfNotPresent') {
      pullLines = await this.#pull(spec, 'Always', hooks);
      if (hooks.signal.aborted) return { exitCode: null, timedOut: false, cancelled: true };
      created = await this.#createOrAttach(spec, workingDir, pullLines);
    }
    if ('missing' in created) throw new ImageNotFoundError(spec.image, { cause: created.missing, detail: this.#missingDetail(spec) });
    const { container, deadline, skip } = created;
    // An earlier try delivered its pull lines before the container's log: number the replay after them.
    if (skip > 0) hooks.skipLines?.(skip);
    let detached = false;
    try {
      const result = await this.#supervise(container, hooks, deadline);
      return warnings.length === 0 ? result : { ...result, warnings: [...(result.warnings ?? []), ...warnings] };
    } catch (err) {
      detached = err instanceof WorkerDetachedError;
      throw err;
    } finally {
      // Detached: the container runs on for the re-attaching retry.
      if (!detached) await removeQuietly(container);
    }
  }

  /** Pulls (policy `Always`) when the attempt's container does not exist yet; returns the log lines written. */
  async #pullUnlessCreated(spec: ContainerSpec, hooks: RunHooks): Promise<number> {
    try {
      await this.#docker.getContainer(spec.name).inspect();
      return 0;
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    return this.#pull(spec, 'Always', hooks);
  }

  #pull(spec: ContainerSpec, policy: ImagePullPolicy, hooks: RunHooks): Promise<number> {
    return ensureImage(this.#docker, { image: spec.image, policy, ...(spec.registryAuth ? { auth: spec.registryAuth } : {}), onLine: (line) => hooks.onLine(line), signal: hooks.signal });
  }

  /**
   * Returns the started container, the time (ms epoch) it times out at
   * (undefined = no timeout applies), and, for a container an earlier try
   * created, how many pull lines that try's log started with; `missing` (the
   * daemon's error) when the daemon lacks the image.
   */
  async #createOrAttach(spec: ContainerSpec, workingDir: string | undefined, pullLines: number): Promise<Created | { missing: unknown }> {
    // The run's workspace volume, created on first use and kept for the run's later jobs.
    if (spec.workspace !== undefined) await ensureVolume(this.#docker, spec.workspace.volume, { 'coflow.run': spec.labels['coflow.run'] ?? '', 'coflow.workspace': spec.workspace.volume });
    const deadlineFromNow = (): { deadline?: number } => (spec.timeoutMs > 0 ? { deadline: Date.now() + spec.timeoutMs } : {});
    // Two tries: the named container may vanish between our conflict and inspect.
    for (let attempt = 0; ; attempt++) {
      let fresh: Dockerode.Container | undefined;
      try {
        fresh = await this.#docker.createContainer({ ...createOptions(spec, pullLines), ...(workingDir === undefined ? {} : { WorkingDir: workingDir }) });
      } catch (err) {
        if (statusOf(err) === 404) return { missing: err };
        if (statusOf(err) !== 409) throw err;
      }
      if (fresh !== undefined) {
        // Ours, just created: nothing to inspect.
        await fresh.start();
        return { container: fresh, skip: 0, ...deadlineFromNow() };
      }
      // A container of this name exists: an earlier try of the attempt created it.
      const container = this.#docker.getContainer(spec.name);
      let info: Dockerode.ContainerInspectInfo;
      try {
        info = await container.inspect();
      } catch (err) {
        if (statusOf(err) === 404 && attempt === 0) continue;
        throw err;
      }
      const skip = Number(info.Config.Labels[PULL_LINES_LABEL] ?? 0) || 0;
      if (info.State.Status === 'created') {
        await container.start();
        return { container, skip, ...deadlineFromNow() };
      }
      if (!info.State.Running || spec.timeoutMs <= 0) return { container, skip };
      const started = Date.parse(info.State.StartedAt);
      return { container, skip, deadline: (Number.isNaN(started) ? Date.now() : started) + spec.timeoutMs };
    }
  }

  #missingDetail(spec: ContainerSpec): string {
    const policy = spec.pullPolicy ?? this.#pullPolicy;
    return policy === 'Never' ? 'it is not on this Docker daemon and the pull policy is Never' : 'it is not on this Docker daemon';
  }

  async #supervise(
    container: Dockerode.Container,
    hooks: RunHooks,
    deadline: number | undefined,
  ): Promise<ContainerResult> {
    // Ask for the exit and the log together, before racing: a short job may exit before
    // we look, and `logs(follow)` still replays everything while `wait` returns at once.
    // Aborted on detach: a pending wait would keep a stopped worker's process alive until the container ends.
    const stopWaiting = new AbortController();
    const exited = waitForExit(container, stopWaiting.signal);
    // Keep a losing racer's rejection from going unhandled.
    exited.catch(() => undefined);
    let logStream: NodeJS.ReadableStream;
    try {
      logStream = await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true });
    } catch (err) {
      stopWaiting.abort();
      throw err;
    }
    let delivered = 0;
    const pumped = pumpLines(logStream, async (line) => {
      delivered++;
      await hooks.onLine(line);
    });
    pumped.catch(() => undefined);

    const cleanups: (() => void)[] = [];
    const stopped = new Promise<Outcome>((resolve) => {
      if (hooks.signal.aborted) return resolve({ kind: 'cancel' });
      const onAbort = (): void => resolve({ kind: 'cancel' });
      hooks.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => hooks.signal.removeEventListener('abort', onAbort));
      if (deadline !== undefined) {
        const timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
        cleanups.push(() => clearTimeout(timer));
      }
      const { detach } = hooks;
      if (detach !== undefined) {
        if (detach.aborted) return resolve({ kind: 'detach' });
        const onDetach = (): void => resolve({ kind: 'detach' });
        detach.addEventListener('abort', onDetach, { once: true });
        cleanups.push(() => detach.removeEventListener('abort', onDetach));
      }
    });
    // A failing onLine (or broken log stream) ends the run; a clean end of the log does not.
    const pumpFailed = pumped.then(() => new Promise<never>(() => undefined));

    let outcome: Outcome;
    try {
      outcome = await Promise.race([exited.then((code): Outcome => ({ kind: 'exit', code })), stopped, pumpFailed]);
    } finally {
      for (const cleanup of cleanups) cleanup();
    }
    if (outcome.kind === 'detach') {
      // Stop reading; the container keeps running and keeps its log for the next attach.
      (logStream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      stopWaiting.abort();
      throw new WorkerDetachedError(container.id);
    }
    if (outcome.kind !== 'exit') await killQuietly(container);
    // The log stream ends once the container has stopped: every line is delivered before we return.
    await pumped;
    if (outcome.kind === 'exit') {
      // Docker may end a follow stream before the last entries (a final partial
      // line) reach it: read the finished log once more and deliver the rest.
      const all = await readWholeLog(container);
      for (const line of all.slice(delivered)) await hooks.onLine(line);
    }
    switch (outcome.kind) {
      case 'exit': {
        // The kernel's OOM killer ends a container at its memory limit with 137, like a plain SIGKILL: only the state tells.
        const oomKilled = outcome.code !== 0 && (await container.inspect()).State.OOMKilled;
        return { exitCode: outcome.code, timedOut: false, cancelled: false, ...(oomKilled ? { reason: 'OOMKilled' } : {}) };
      }
      case 'timeout':
        return { exitCode: null, timedOut: true, cancelled: false };
      case 'cancel':
        return { exitCode: null, timedOut: false, cancelled: true };
    }
  }
}

function createOptions(spec: ContainerSpec, pullLines: number): Dockerode.ContainerCreateOptions {
  const { cpuMillis, memoryBytes } = spec.resources;
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.command === undefined ? {} : { Entrypoint: [...spec.command] }),
    // With an explicit entrypoint, an empty Cmd keeps the image's CMD from being appended.
    ...(spec.args !== undefined || spec.command !== undefined ? { Cmd: [...(spec.args ?? [])] } : {}),
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...spec.labels, ...(pullLines > 0 ? { [PULL_LINES_LABEL]: String(pullLines) } : {}) },
    Tty: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      // No AutoRemove: exit code and log must be read first; we remove ourselves.
      AutoRemove: false,
      // A driver the logs API can read back, whatever the daemon's default.
      LogConfig: { Type: 'json-file', Config: {} },
      ...(cpuMillis === undefined ? {} : { NanoCpus: Math.round(cpuMillis * 1e6) }),
      ...(memoryBytes === undefined ? {} : { Memory: Math.round(memoryBytes) }),
      ...(spec.workspace === undefined ? {} : { Mounts: [{ Type: 'volume', Source: spec.workspace.volume, Target: spec.workspace.mountPath }] }),
    },
  };
}

async function readWholeLog(container: Dockerode.Container): Promise<LogLine[]> {
  const raw: unknown = await container.logs({ follow: false, stdout: true, stderr: true, timestamps: true });
  const decoder = new DockerLogDecoder();
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
  return [...decoder.push(buf), ...decoder.end()];
}

async function pumpLines(stream: NodeJS.ReadableStream, onLine: (line: LogLine) => Promise<void>): Promise<void> {
  const decoder = new DockerLogDecoder();
  const deliver = async (lines: LogLine[]): Promise<void> => {
    for (const line of lines) await onLine(line);
  };
  // for-await gives back-pressure: a slow onLine pauses the socket.
  for await (const chunk of stream) {
    await deliver(decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  }
  await deliver(decoder.end());
}

async function waitForExit(container: Dockerode.Container, abortSignal: AbortSignal): Promise<number> {
  const result: unknown = await container.wait({ abortSignal });
  const code = (result as { StatusCode?: unknown } | null)?.StatusCode;
  if (typeof code !== 'number') throw new Error(`docker wait on ${container.id} returned no exit code`);
  return code;
}

async function killQuietly(container: Dockerode.Container): Promise<void> {
  try {
    await container.kill({ signal: 'SIGKILL' });
  } catch (err) {
    // 404: already gone; 409: not running any more (it exited as we timed out).
    if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
  }
}

async function removeQuietly(container: Dockerode.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (err) {
    // 404: already gone; 409: removal already in progress.
    if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
  }
}
