/**
 * The live stage/action/job tree of a run, as the `status` query returns it
 * and the API, CLI and web UI read it. Built and mutated only by the run
 * workflow. The states are listed once here; every other room derives from them.
 */
import type { StageType } from '../flow/model.ts';

/** States of a job (and of actions, stages and runs, which add the two below). */
export const JOB_STATES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States of a stage or a run: a job's, plus waiting at an approval gate and paused. */
export const RUN_STATES = [...JOB_STATES, 'waiting', 'paused'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** The states after which nothing changes. */
export const FINAL_STATES = ['succeeded', 'failed', 'skipped', 'cancelled'] as const satisfies readonly JobState[];
/** The final states a whole run can end in (a run is never skipped). */
export const RUN_END_STATES = ['succeeded', 'failed', 'cancelled'] as const satisfies readonly JobState[];

/** True for states after which nothing changes. */
export function isFinal(state: RunState): boolean {
  return (FINAL_STATES as readonly string[]).includes(state);
}

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
  /** Not run again: a re-run reused the outputs of the original run's success. */
  reusedFrom?: string;
  /** `repeat` jobs: repetitions finished so far, and when the first one started. */
  repetitions?: number;
  repeatStartedAt?: string;
  /** When the next repetition starts (a repeat job between repetitions). */
  nextRepetitionAt?: string;
  /** What the job waits for right now, in words (a deploy job queued behind another deployment of its pair). */
  waiting?: string;
  /** A deploy job's, or a `deployment:`-marked job's, latest deployment record. */
  deployment?: JobDeployment;
}

/** The deployment a job's latest attempt recorded (issue 13). */
export interface JobDeployment {
  readonly id: number;
  readonly environment: string;
  readonly application: string;
  colour?: string;
  /** A canary deploy job waiting for an approval of its step (`coflow approve`). */
  canaryApproval?: CanaryApproval;
}

/** A canary step waiting for a person (`coflow approve RUN --job PATH`), and how it was decided. */
export interface CanaryApproval {
  /** 1-based step number and its weight (percent of replicas on the new version). */
  readonly step: number;
  readonly weight: number;
  /** The environment's approvers (users, `role:x`); empty: any operator. */
  readonly approvers: readonly string[];
  decision?: DecisionRecord;
}

export interface ActionStatus {
  readonly name: string;
  state: JobState;
  startedAt?: string;
  endedAt?: string;
  jobs: JobStatus[];
}

/** One approval decision, as the gate accepted it. */
export interface DecisionRecord {
  readonly user: string;
  /** The decider's roles when they decided (an environment's `role:x` approvers are checked against them). */
  readonly roles?: readonly string[];
  readonly approve: boolean;
  readonly comment?: string;
  readonly at: string;
}

export interface ApprovalStatus {
  readonly required: number;
  readonly approvers: readonly string[];
  /** When the gate gives up and follows `onTimeout`, if it has a timeout. */
  deadline?: string;
  decisions: DecisionRecord[];
  /** How the gate ended: `approved`, `rejected`, `timed out (approved|rejected)`. */
  outcome?: string;
}

export interface StageStatus {
  readonly name: string;
  readonly type: StageType;
  state: RunState;
  startedAt?: string;
  endedAt?: string;
  error?: string;
  actions: ActionStatus[];
  approval?: ApprovalStatus;
}

/** What started a run, in short (the trigger context without its payload), for the UI and CLI. */
export interface TriggerSummary {
  /** manual, a webhook forge, schedule, rerun (`TRIGGER_KINDS`). */
  readonly kind: string;
  /** push, tag, pull_request, schedule, manual, … */
  readonly event: string;
  readonly actor?: string;
  readonly branch?: string;
  readonly tag?: string;
  readonly commit?: string;
  /** The commit message's first line. */
  readonly message?: string;
}

/** How a re-run got its workspace: a copy of the original's, or rebuilt by running its writers again. */
export interface WorkspaceStatus {
  /** The run whose workspace was copied into this one's before any job ran. */
  copiedFrom?: string;
  /** The original's workspace was gone: these jobs (workspace: true) ran again instead of being reused. */
  rebuiltBy?: string[];
  /** The same in words, for the CLI and UI. */
  note?: string;
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
  /** No new job starts while true. */
  paused: boolean;
  /** Who started the run, when known. */
  triggeredBy?: string;
  /** What started it (absent for runs started before this was recorded, or without a trigger context). */
  trigger?: TriggerSummary;
  /** The run this one re-runs. */
  rerunOf?: string;
  /** The flow inputs' values the run started with (defaults filled in), when the flow declares inputs. */
  inputs?: Readonly<Record<string, string>>;
  /** Waiting for its turn under the flow's `concurrency` limit. */
  queued?: boolean;
  /** Older runs this one cancelled (`concurrency.onLimit: cancel-previous`). */
  cancelledRuns?: string[];
  /** How many times the workflow continued as new to keep its history bounded. */
  continuedAsNew: number;
  /** Things about the run (not a job) worth a look: a commit status the forge refused (absent when none). */
  warnings?: string[];
  /** Why the run's jobs may not read secrets (a pull request from a fork); jobs that ask for one fail with it. */
  secretsWithheld?: string;
  /** A re-run of a run that used the workspace: what it started with. */
  workspace?: WorkspaceStatus;
  stages: StageStatus[];
}

/** Every job of a tree, in flow order. */
export function jobsOf(status: RunStatus): JobStatus[] {
  return status.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs));
}
