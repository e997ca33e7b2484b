/**
 * What a run workflow starts with: the pinned flow, the event that started
 * it, and what a re-run or a continued execution carries over. Built by the
 * run preparation (runs/prepare.ts) and travels in the workflow's input.
 */
import type { FlowSpec } from '../flow/model.ts';
import type { RunStatus } from './run-status.ts';
import type { ReportTarget } from './forge-report.ts';
import type { TriggerContext } from './triggers.ts';

/** Outputs of finished jobs, by job path. */
export type JobOutputs = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** What a continued-as-new execution carries over: enough to resume where the last one stopped. */
export interface CarriedState {
  readonly status: RunStatus;
  readonly outputs: JobOutputs;
}

export interface RunInput {
  readonly runId: string;
  readonly number: number;
  readonly flowVersion: number;
  /** The flow as applied, components already resolved to images (pinned for this run). */
  readonly flow: FlowSpec;
  /** The user who started the run (API token's user, webhook sender, schedule). */
  readonly triggeredBy?: string;
  /**
   * The flow inputs' values (`inputs` in expressions), defaults filled in; absent when the
   * flow declares none (and in runs started before inputs existed: `inputs` is then {}).
   */
  readonly inputs?: Readonly<Record<string, string>>;
  /** The event that started the run (`trigger` in expressions); absent for runs started before triggers existed. */
  readonly trigger?: TriggerContext;
  /** Re-run: the original run, and the outputs of its succeeded jobs by job path (they are not run again). */
  readonly rerunOf?: string;
  readonly reuse?: JobOutputs;
  /** Set when this execution continues an earlier one of the same run. */
  readonly carried?: CarriedState;
  /** Where the run reports its commit statuses (contracts/forge-report.ts); absent: no reporting. */
  readonly report?: ReportTarget;
  /** Set when the run's jobs may not read secrets (a pull request from a fork): the reason a job asking for one is refused with. */
  readonly secretsWithheld?: string;
  /** Continue as new past this many history events (default 10,000; the server may suggest it sooner). */
  readonly historyLimit?: number;
}
