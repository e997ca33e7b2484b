/**
 * How people steer and read a running run: the signals the run workflow
 * accepts and the query it answers. Signals, not updates, because Temporal
 * persists a signal even while no worker runs: an approval or a pause sent
 * through the API is never lost. The API checks a decision against the
 * pinned flow before it signals, so a refused decision gets a clear error at
 * once; the workflow checks again and records only the decisions that hold.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ReportUpdate } from './forge-report.ts';
import type { RunStatus } from './run-status.ts';

/** Who acts, as the API authenticated them. */
export interface Actor {
  readonly user: string;
  readonly roles: readonly string[];
}

export interface PauseRequest {
  readonly actor: Actor;
  readonly comment?: string;
}

export interface ApprovalDecision {
  readonly actor: Actor;
  /** Name of the `pause` stage decided on. */
  readonly stage: string;
  readonly approve: boolean;
  readonly comment?: string;
  /** When the API received the decision (ISO 8601). */
  readonly at: string;
}

/** Go on with (or abort) a canary deploy job's step that waits for an approval. */
export interface CanaryDecision {
  readonly actor: Actor;
  /** Path of the deploy job. */
  readonly job: string;
  /** The step decided on (1-based): a decision for a step no longer waiting is ignored. */
  readonly step: number;
  readonly approve: boolean;
  readonly comment?: string;
  readonly at: string;
}

/** Stop starting new jobs; running jobs finish. */
export const pauseSignal = defineSignal<[PauseRequest]>('pause');
/** Continue after a pause. */
export const resumeSignal = defineSignal<[PauseRequest]>('resume');
/** Approve or reject a waiting `pause` stage. */
export const decideSignal = defineSignal<[ApprovalDecision]>('decide');
/** Decide on a canary step that waits for an approval. */
export const canaryDecideSignal = defineSignal<[CanaryDecision]>('decideCanary');
/** The live stage/action/job tree. */
export const statusQuery = defineQuery<RunStatus>('status');

/** To a run's reporting workflow (workflows/report.ts): a state to report. */
export const reportUpdateSignal = defineSignal<[ReportUpdate]>('reportUpdate');
/** From the reporting workflow to its run: a report the forge refused or that could not be sent, for the run's warnings. */
export const reportWarningSignal = defineSignal<[string]>('reportWarning');
