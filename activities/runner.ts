/**
 * The one interface every runner (docker, kubernetes) implements.
 * A runner starts one container per job attempt, streams its log lines,
 * enforces the attempt timeout, and cleans up. It knows nothing of flows,
 * `[COUT]` or verdicts: the job activity decides those from what it returns.
 */
import type { LogLine } from '../contracts/logs.ts';
import type { ImagePullPolicy, Resources } from '../flow/model.ts';

/** The run's shared workspace volume, mounted into the attempt's container. */
export interface WorkspaceMount {
  /** Docker volume name / PersistentVolumeClaim name; the runner creates it on first use. */
  readonly volume: string;
  /** Where it is mounted (`/workspace`). */
  readonly mountPath: string;
}

/** Credentials for the registry that holds the job's image. */
export interface RegistryAuth {
  /** Registry host (and port), as in the image reference. */
  readonly server: string;
  readonly username: string;
  readonly password: string;
}

/** Everything needed to start one attempt's container, fully resolved. */
export interface ContainerSpec {
  /** Deterministic per (run, job, attempt): a retried activity finds the same container. */
  readonly name: string;
  readonly image: string;
  /** Replaces the image entrypoint+cmd when set (e.g. `['/bin/sh', '-c', script]`). */
  readonly command?: readonly string[];
  /** Arguments; with `command` unset they go to the image entrypoint. */
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly resources: Resources;
  /** Per-attempt timeout in ms; 0 = none. */
  readonly timeoutMs: number;
  readonly workspace?: WorkspaceMount;
  /** A Pod manifest (YAML) the kubernetes runner uses as the Pod's base. */
  readonly podTemplate?: string;
  /** Absent: the runner's default. */
  readonly pullPolicy?: ImagePullPolicy;
  readonly registryAuth?: RegistryAuth;
}

export interface ContainerResult {
  /** The container's exit code; null when it never ran to an exit (killed on timeout/cancel). */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Why the container ended, when the runtime says more than the exit code (`OOMKilled`). */
  readonly reason?: string;
  /** What the runner did differently from what the job asked (shown on the job). */
  readonly warnings?: readonly string[];
}

export interface RunHooks {
  /** Called once per complete log line, in order per stream. May be async; the runner awaits it. */
  onLine(line: LogLine): void | Promise<void>;
  /** Aborted when the attempt must stop (activity cancelled): kill and remove the container. */
  readonly signal: AbortSignal;
  /**
   * Aborted when this worker goes away but the attempt must go on (worker
   * shutdown): stop following, leave the container running, and throw
   * WorkerDetachedError; the retried activity re-attaches by name.
   */
  readonly detach?: AbortSignal;
  /**
   * Called before any line when the runner attaches to a container an earlier
   * try created, with the number of lines that try delivered before the
   * container's log (pull progress): the caller numbers the replayed log after them.
   */
  skipLines?(count: number): void;
}

/** The runner's shared-volume operations beyond one attempt (activities/workspace.ts calls them). */
export interface WorkspaceVolumes {
  /**
   * Fills the new volume `to` (created, labelled with `labels`) with a copy of
   * `from`'s content; false, creating nothing, when `from` does not exist. `image`
   * is a job image of the flow, used for the helper container or Pod.
   */
  copy(from: string, to: string, options: { readonly image: string; readonly labels: Readonly<Record<string, string>> }): Promise<boolean>;
  /** Removes the volume; nothing to do when it is gone. */
  remove(volume: string): Promise<void>;
}

export interface JobRunner {
  /** Runner name as configured (`docker`, `kubernetes`). */
  readonly kind: string;
  /**
   * Run the container to completion (or attach to it if one with this name
   * already exists), stream its log, and remove it afterwards whatever happened.
   * Throws only for infrastructure failures (daemon unreachable, image missing);
   * a non-zero exit, a timeout or a cancellation are results, not errors.
   */
  run(spec: ContainerSpec, hooks: RunHooks): Promise<ContainerResult>;
  /** Workspace copies and removal; a runner without them refuses `workspace: true` jobs. */
  readonly workspaces?: WorkspaceVolumes;
}
