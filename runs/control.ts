/**
 * Steering runs: pause, resume, cancel, approve/reject, re-run. Each call
 * checks what it can before it acts, so a refused request gets a clear error
 * and changes nothing; the act itself is a Temporal signal or cancel request,
 * which the server persists even while no worker runs.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { DEFAULT_APPROVAL, refuseDecision } from '../contracts/approval-policy.ts';
import { isFinal, type RunStatus } from '../contracts/run-status.ts';
import { decideSignal, pauseSignal, resumeSignal, statusQuery, type Actor } from '../contracts/signals.ts';
import { DecisionRefusedError, GateNotWaitingError, RunNotOpenError, RunStillOpenError, StageNotFoundError } from './errors.ts';
import { prepareRerun } from './prepare.ts';
import { describeRun, runInputOf } from './read-run.ts';
import { refuseOverLimit, startPrepared, type StartDeps } from './start.ts';

/** What steering needs: the Temporal client, and for re-runs the store and task queue. */
export type ControlDeps = Pick<StartDeps, 'temporal' | 'taskQueue' | 'store' | 'onStarted'>;

/** How long a decision waits for a live status before it acts on what it knows without a worker. */
const QUERY_WAIT_MS = 2_000;
/** How long a re-run waits for a run whose status has ended to close (it still starts its notifications and workspace retention). */
const CLOSE_WAIT_MS = 10_000;

/**
 * The execution state of a run that may be closing: a run whose status tree
 * has ended but whose workflow still runs its last steps is waited for (up to
 * CLOSE_WAIT_MS), so that a re-run asked for as soon as the run shows its end
 * is not refused as still open.
 */
async function closedState(handle: WorkflowHandle, runId: string, state: string): Promise<string> {
  if (state !== 'RUNNING') return state;
  const status = await handle.query(statusQuery).catch(() => undefined);
  if (status === undefined || !isFinal(status.state)) throw new RunStillOpenError(runId);
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    handle.result().then(() => true, () => true),
    new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS); }),
  ]);
  clearTimeout(timer);
  if (!closed) throw new RunStillOpenError(runId);
  return (await handle.describe()).status.name;
}

async function openHandle(deps: Pick<ControlDeps, 'temporal'>, runId: string): Promise<WorkflowHandle> {
  const { handle, state } = await describeRun(deps.temporal, runId);
  if (state !== 'RUNNING') throw new RunNotOpenError(runId, state.toLowerCase());
  return handle;
}

/** The live tree, or undefined when no worker answers in time (the act still goes through). */
async function liveStatus(handle: WorkflowHandle): Promise<RunStatus | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      handle.query(statusQuery),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), QUERY_WAIT_MS))),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

export async function pauseRun(deps: Pick<ControlDeps, 'temporal'>, runId: string, actor: Actor, comment?: string): Promise<void> {
  const handle = await openHandle(deps, runId);
  await handle.signal(pauseSignal, { actor, ...(comment ? { comment } : {}) });
}

export async function resumeRun(deps: Pick<ControlDeps, 'temporal'>, runId: string, actor: Actor, comment?: string): Promise<void> {
  const handle = await openHandle(deps, runId);
  await handle.signal(resumeSignal, { actor, ...(comment ? { comment } : {}) });
}

/** Stops running containers, runs the `end` jobs, ends the run as cancelled. */
export async function cancelRun(deps: Pick<ControlDeps, 'temporal'>, runId: string): Promise<void> {
  const handle = await openHandle(deps, runId);
  await handle.cancel();
}

export interface Decision {
  readonly stage: string;
  readonly approve: boolean;
  readonly actor: Actor;
  readonly comment?: string;
}

/** Approves or rejects a waiting `pause` stage; refused with a typed error when the actor may not or the stage does not wait. */
export async function decide(deps: Pick<ControlDeps, 'temporal'>, runId: string, d: Decision): Promise<void> {
  const handle = await openHandle(deps, runId);
  const input = await runInputOf(deps.temporal, runId);
  const stage = input.flow.stages.find((s) => s.name === d.stage);
  if (stage === undefined) throw new StageNotFoundError(runId, d.stage);
  if (stage.type !== 'pause') {
    throw new GateNotWaitingError(d.stage, 'not_a_gate', `stage ${d.stage} is a ${stage.type} stage, not an approval gate (pause stage)`);
  }
  const status = await liveStatus(handle);
  const gate = status?.stages.find((s) => s.name === d.stage);
  if (gate !== undefined && gate.state !== 'waiting') {
    throw new GateNotWaitingError(d.stage, 'gate_not_waiting', `stage ${d.stage} is not waiting for approval (it is ${gate.state})`);
  }
  const triggeredBy = input.triggeredBy ?? input.carried?.status.triggeredBy;
  const refusal = refuseDecision(d.stage, stage.approval ?? DEFAULT_APPROVAL, d.actor, d.approve, triggeredBy, gate?.approval);
  if (refusal !== undefined) throw new DecisionRefusedError(d.actor.user, refusal);
  await handle.signal(decideSignal, { actor: d.actor, stage: d.stage, approve: d.approve, ...(d.comment ? { comment: d.comment } : {}), at: new Date().toISOString() });
}

export interface Rerun {
  readonly runId: string;
  readonly number: number;
  readonly rerunOf: string;
  /** Job paths whose outputs were reused instead of running them again. */
  readonly reused: readonly string[];
}

/**
 * A new run of the same pinned flow that reuses the outputs of the jobs that
 * succeeded and starts at the first one that did not (`full` runs everything).
 */
export async function rerun(deps: ControlDeps, runId: string, actor: Actor, full = false): Promise<Rerun> {
  const described = await describeRun(deps.temporal, runId);
  const { handle } = described;
  const state = await closedState(handle, runId, described.state);
  const original = await runInputOf(deps.temporal, runId);
  const final = state === 'COMPLETED' ? ((await handle.result()) as RunStatus) : undefined;
  const reuse: Record<string, Record<string, string>> = {};
  if (!full && final) {
    for (const stage of final.stages) {
      if (stage.type === 'end') continue;
      for (const job of stage.actions.flatMap((a) => a.jobs)) if (job.state === 'succeeded') reuse[job.path] = job.outputs;
    }
  }
  await refuseOverLimit(deps, original.flow, 'rerun');
  const input = await prepareRerun(deps.store, original, reuse, actor.user);
  await startPrepared(deps, input, { fresh: true, trigger: { kind: 'rerun', event: 'rerun', actor: actor.user } });
  return { runId: input.runId, number: input.number, rerunOf: runId, reused: Object.keys(reuse) };
}
