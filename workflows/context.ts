/**
 * The state one run workflow execution works on, shared by the interpreter's
 * parts (run, stages, jobs, gates). Lives only inside the workflow.
 */
import type { FlowSpec } from '../flow/model.ts';
import type { TriggerContext } from '../flow/trigger-context.ts';
import type { RunStatus } from './status.ts';

/** What a continued-as-new execution carries over: enough to resume where the last one stopped. */
export interface CarriedState {
  readonly status: RunStatus;
  /** Outputs of finished jobs, by job path. */
  readonly outputs: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface RunInput {
  readonly runId: string;
  readonly number: number;
  readonly flowVersion: number;
  /** The flow as applied, components already resolved to images (pinned for this run). */
  readonly flow: FlowSpec;
  /** The user who started the run (API token's user, webhook sender, schedule). */
  readonly triggeredBy?: string;
  /** The event that started the run (`trigger` in expressions); absent for runs started before triggers existed. */
  readonly trigger?: TriggerContext;
  /** Re-run: the original run, and the outputs of its succeeded jobs by job path (they are not run again). */
  readonly rerunOf?: string;
  readonly reuse?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Set when this execution continues an earlier one of the same run. */
  readonly carried?: CarriedState;
  /** Continue as new past this many history events (default 10,000; the server may suggest it sooner). */
  readonly historyLimit?: number;
}

export interface RunContext {
  readonly input: RunInput;
  readonly flow: FlowSpec;
  readonly status: RunStatus;
  /** Outputs of finished jobs, by job path (feeds `subscriptions`). */
  readonly outputs: Map<string, Readonly<Record<string, string>>>;
  /** Activities awaited right now: continuing as new is safe only at zero. */
  inFlight: number;
}

export function now(): string {
  return new Date().toISOString();
}

/** The run's overall state while it is open: paused, waiting on a gate, or running. */
export function refreshRunState(ctx: RunContext): void {
  const { status } = ctx;
  if (status.endedAt !== undefined) return;
  status.state = status.paused ? 'paused' : status.stages.some((s) => s.state === 'waiting') ? 'waiting' : 'running';
}
