/**
 * The state one run workflow execution works on, shared by the interpreter's
 * parts (run, stages, actions, jobs, gates). Lives only inside the workflow.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { FlowSpec } from '../flow/model.ts';
import type { RunInput } from '../contracts/run-input.ts';
import type { RunReporting } from './report-hooks.ts';
import type { RunState, RunStatus } from '../contracts/run-status.ts';
import { RUN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.ts';

export interface RunContext {
  readonly input: RunInput;
  readonly flow: FlowSpec;
  readonly status: RunStatus;
  /** Outputs of finished jobs, by job path (feeds `subscriptions`). */
  readonly outputs: Map<string, Readonly<Record<string, string>>>;
  /** Activities (and notification starts) awaited right now: continuing as new is safe only at zero. */
  inFlight: number;
  /** Notifications being started (workflows/notify.ts); the run awaits them before it returns. */
  readonly notices: Promise<void>[];
  /**
   * The run's state as `CoflowStatus` holds it, when this execution keeps the search
   * attribute in step with the open run's state (patch `coflow-status-attribute`); absent
   * for histories recorded before, which replay without those upserts.
   */
  indexedState?: RunState;
  /** Commit-status reporting of this run (workflows/report-hooks.ts), when it has a target. */
  reporting?: RunReporting;
}

/** The workflow's clock (deterministic inside the workflow sandbox), as ISO 8601. */
export function now(): string {
  return new Date().toISOString();
}

/** Ends a node of the tree (attempt, job, action, stage, run) in `state`, now; returns the state. */
export function finish<S extends RunState>(node: { state: S; endedAt?: string }, state: S): S {
  node.state = state;
  node.endedAt = now();
  return state;
}

/**
 * The run's overall state while it is open: paused, waiting on a gate, or running.
 * The one place an open run's state changes: `CoflowStatus` follows it here (the runs
 * list and its `status` filter read it), one upsert per change, none per job.
 */
export function refreshRunState(ctx: RunContext): void {
  const { status } = ctx;
  if (status.endedAt !== undefined) return;
  status.state = status.paused ? 'paused' : status.stages.some((s) => s.state === 'waiting') ? 'waiting' : 'running';
  if (ctx.indexedState !== undefined && ctx.indexedState !== status.state) {
    upsertSearchAttributes([{ key: RUN_SEARCH_ATTRIBUTES.status, value: status.state }]);
    ctx.indexedState = status.state;
  }
}
