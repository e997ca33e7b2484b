/**
 * The workflow types the worker registers, by name and signature, so that
 * clients (API, schedules, tests) start them without importing workflow code.
 * `workflows/index.ts` exports functions of exactly these names and types.
 */
import type { ReportRunInput, ReportRunResult } from './forge-report.ts';
import type { NotifyInput, NotifyResult } from './notifications.ts';
import type { RunInput } from './run-input.ts';
import type { RunStatus } from './run-status.ts';
import type { ScaleDownInput } from './deploy.ts';

/** One run of a flow; returns its final status tree. */
export const RUN_WORKFLOW = 'runFlow';
export type RunWorkflow = (input: RunInput) => Promise<RunStatus>;

/** What a flow's Temporal Schedule starts: claims a run number, then runs the flow as its child. */
export const SCHEDULED_RUN_WORKFLOW = 'scheduledRun';
export interface ScheduledRunInput {
  readonly flowUri: string;
}
/** Returns the run id, or a note when the flow no longer exists. */
export type ScheduledRunWorkflow = (input: ScheduledRunInput) => Promise<string>;

/** One notification of a run (`receivers:`), started by the run and left to finish on its own: see workflows/notify.ts. */
export const NOTIFY_WORKFLOW = 'notifyRun';
export type NotifyWorkflow = (input: NotifyInput) => Promise<NotifyResult>;

/** A run's commit statuses sent to its forge in order, started by the run and left to finish on its own: workflows/report.ts. */
export const REPORT_WORKFLOW = 'reportRun';
export type ReportWorkflow = (input: ReportRunInput) => Promise<ReportRunResult>;

/** Blue-green's delayed scale-down of the colour a switch took out of service (workflows/deploy-scale-down.ts). */
export const SCALE_DOWN_WORKFLOW = 'scaleDownColourLater';
export type ScaleDownWorkflow = (input: { readonly afterMs: number; readonly target: ScaleDownInput }) => Promise<{ scaled: boolean; reason?: string }>;

/** A rollback by hand (`coflow rollback`, `POST /api/v1/deployments/{id}/rollback`): re-applies a stored deployment's manifest. */
export const ROLLBACK_WORKFLOW = 'rollbackDeployment';
export interface RollbackInput {
  /** The deployment whose manifest is applied again. */
  readonly deploymentId: number;
  /** Who asked. */
  readonly user: string;
  /** Bound of the rollout wait; 0 = the engine's default. */
  readonly timeoutMs?: number;
}
export interface RollbackResult {
  /** The rollback's own record. */
  readonly deploymentId: number;
  readonly succeeded: boolean;
  readonly reason?: string;
}
export type RollbackWorkflow = (input: RollbackInput) => Promise<RollbackResult>;
/** The rollback workflow's query: its record's id once started. */
export const ROLLBACK_RECORD_QUERY = 'rollbackRecord';

/** The workflow id of a rollback by hand: one per pair and request instant. */
export function rollbackWorkflowId(namespace: string, environment: string, application: string, requestedAt: string): string {
  return `rollback/${namespace}/${environment}/${application}/${requestedAt}`;
}
