/**
 * The live stage/action/job tree of a run, as the `status` query returns it.
 * Pure data, built and mutated only by the run workflow.
 */
import type { FlowSpec, StageType } from '../flow/model.ts';

export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type RunState = JobState | 'waiting' | 'paused';

export interface AttemptStatus {
  readonly number: number;
  state: JobState;
  startedAt: string;
  endedAt?: string;
  exitCode?: number | null;
  /** Why the attempt failed, in words a user can act on. */
  reason?: string;
}

export interface JobStatus {
  readonly name: string;
  readonly path: string;
  state: JobState;
  startedAt?: string;
  endedAt?: string;
  attempts: AttemptStatus[];
  outputs: Record<string, string>;
  warnings: string[];
  /** Failed but `allowFailure` kept the run going. */
  allowedFailure?: boolean;
  error?: string;
}

export interface ActionStatus {
  readonly name: string;
  state: JobState;
  startedAt?: string;
  endedAt?: string;
  jobs: JobStatus[];
}

export interface StageStatus {
  readonly name: string;
  readonly type: StageType;
  state: RunState;
  startedAt?: string;
  endedAt?: string;
  error?: string;
  actions: ActionStatus[];
}

export interface RunStatus {
  readonly runId: string;
  readonly number: number;
  readonly flowUri: string;
  readonly flowVersion: number;
  state: RunState;
  startedAt: string;
  endedAt?: string;
  error?: string;
  stages: StageStatus[];
}

/** A fresh tree with everything pending. */
export function initialStatus(flow: FlowSpec, runId: string, number: number, flowVersion: number, now: string): RunStatus {
  return {
    runId,
    number,
    flowUri: flow.uri,
    flowVersion,
    state: 'running',
    startedAt: now,
    stages: flow.stages.map((s) => ({
      name: s.name,
      type: s.type,
      state: 'pending',
      actions: s.actions.map((a) => ({
        name: a.name,
        state: 'pending',
        jobs: a.jobs.map((j) => ({ name: j.name, path: j.path, state: 'pending', attempts: [], outputs: {}, warnings: [] })),
      })),
    })),
  };
}

/** True for states after which nothing changes. */
export function isFinal(state: RunState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'skipped' || state === 'cancelled';
}
