/**
 * A JobRunner whose "containers" follow a script the test gives per run, job
 * path and attempt: log lines, an exit code, how long they run. It honours
 * what a real runner must (cancel, the attempt timeout, detach) and records
 * what it saw, so a test can tell when each attempt started and how it ended.
 */
import { WorkerDetachedError } from '../../activities/errors.ts';
import type { ContainerResult, ContainerSpec, JobRunner, RunHooks } from '../../activities/runner.ts';

/** What one attempt does. */
export interface AttemptScript {
  /** Printed to stdout at the start, in order; `[COUT] KEY = VALUE` lines are outputs. */
  readonly lines?: readonly string[];
  /** How long the attempt runs after printing, in ms (default 0). */
  readonly durationMs?: number;
  /** Exit code once it ran its duration (default 0). */
  readonly exitCode?: number;
}

/** A job's script: the same for every attempt, or chosen by attempt number (from 1). */
export type JobScript = AttemptScript | ((attempt: number) => AttemptScript);

/** How an attempt ended, as the runner saw it. */
export type AttemptEnd = 'exited' | 'timed out' | 'cancelled' | 'detached';

/** One attempt the runner ran. */
export interface SeenAttempt {
  readonly runId: string;
  readonly jobPath: string;
  readonly attempt: number;
  /** The container environment (CO_* variables, subscriptions, environments). */
  readonly env: Readonly<Record<string, string>>;
  readonly startedAt: number;
  endedAt?: number;
  end?: AttemptEnd;
}

export class ScriptedRunner implements JobRunner {
  readonly kind = 'scripted';
  /** Every attempt started, in start order. */
  readonly seen: SeenAttempt[] = [];
  readonly #scripts = new Map<string, Readonly<Record<string, JobScript>>>();

  /** Scripts for the jobs of one run, by job path; jobs without one exit 0 at once. */
  script(runId: string, jobs: Readonly<Record<string, JobScript>>): void {
    this.#scripts.set(runId, jobs);
  }

  /** The attempts of one run (optionally one job), in start order. */
  attempts(runId: string, jobPath?: string): SeenAttempt[] {
    return this.seen.filter((a) => a.runId === runId && (jobPath === undefined || a.jobPath === jobPath));
  }

  async run(spec: ContainerSpec, hooks: RunHooks): Promise<ContainerResult> {
    const seen: SeenAttempt = {
      runId: spec.labels['coflow.run'] ?? '',
      jobPath: spec.labels['coflow.job'] ?? '',
      attempt: Number(spec.labels['coflow.attempt']),
      env: spec.env,
      startedAt: Date.now(),
    };
    this.seen.push(seen);
    const job = this.#scripts.get(seen.runId)?.[seen.jobPath] ?? {};
    const script = typeof job === 'function' ? job(seen.attempt) : job;
    const ended = (end: AttemptEnd): void => {
      seen.endedAt = Date.now();
      seen.end = end;
    };
    if (hooks.signal.aborted) {
      ended('cancelled');
      return { exitCode: null, timedOut: false, cancelled: true };
    }
    for (const text of script.lines ?? []) await hooks.onLine({ ts: Date.now(), stream: 'stdout', text });
    const outcome = await waitOut(script.durationMs ?? 0, spec.timeoutMs, hooks);
    ended(outcome);
    switch (outcome) {
      case 'exited':
        return { exitCode: script.exitCode ?? 0, timedOut: false, cancelled: false };
      case 'timed out':
        return { exitCode: null, timedOut: true, cancelled: false };
      case 'cancelled':
        return { exitCode: null, timedOut: false, cancelled: true };
      case 'detached':
        throw new WorkerDetachedError(spec.name);
    }
  }
}

/** Waits the attempt's duration, unless its timeout, a cancel or a detach comes first. */
function waitOut(durationMs: number, timeoutMs: number, hooks: RunHooks): Promise<AttemptEnd> {
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const settle = (end: AttemptEnd): void => {
      timers.forEach(clearTimeout);
      hooks.signal.removeEventListener('abort', onCancel);
      hooks.detach?.removeEventListener('abort', onDetach);
      resolve(end);
    };
    const onCancel = (): void => settle('cancelled');
    const onDetach = (): void => settle('detached');
    hooks.signal.addEventListener('abort', onCancel, { once: true });
    hooks.detach?.addEventListener('abort', onDetach, { once: true });
    if (hooks.signal.aborted) return settle('cancelled');
    if (hooks.detach?.aborted) return settle('detached');
    if (timeoutMs > 0 && timeoutMs <= durationMs) timers.push(setTimeout(() => settle('timed out'), timeoutMs));
    else timers.push(setTimeout(() => settle('exited'), durationMs));
  });
}
