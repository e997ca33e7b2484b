/**
 * Steering runs: pause, resume, cancel, approve/reject, re-run. Each call
 * checks what it can before it acts, so a refused request gets a clear error
 * and changes nothing; the act itself is a Temporal signal or cancel request,
 * which the server persists even while no worker runs.
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { DEFAULT_APPROVAL, refuseDecision } from '../workflows/approval.ts';
import type { RunInput } from '../workflows/context.ts';
import { decideSignal, pauseSignal, resumeSignal, type Actor } from '../workflows/control.ts';
import type { runFlow } from '../workflows/run.ts';
import { startingSearchAttributes } from '../workflows/search-attributes.ts';
import type { RunStatus } from '../workflows/status.ts';
import { runIdOf } from '../store/run-input.ts';
import type { FlowStore } from '../store/types.ts';
import { ApiError, notFound } from './errors.ts';

export interface RunControlDeps {
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly store: FlowStore;
}

/** How long the API waits for a live status before it acts on what it knows without a worker. */
const QUERY_WAIT_MS = 2_000;

/** The run's handle and Temporal execution state (RUNNING, COMPLETED, …); 404 for an unknown run. */
async function describeRun(temporal: Client, runId: string): Promise<{ handle: WorkflowHandle; state: string }> {
  const handle = temporal.workflow.getHandle(runId);
  try {
    return { handle, state: (await handle.describe()).status.name };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(`run ${runId}`);
    throw err;
  }
}

async function openHandle(temporal: Client, runId: string): Promise<WorkflowHandle> {
  const { handle, state } = await describeRun(temporal, runId);
  if (state !== 'RUNNING') throw new ApiError(409, 'run_not_open', `run ${runId} has ended (${state.toLowerCase()}); only an open run can be steered`);
  return handle;
}

/** The live tree, or undefined when no worker answers in time (the act still goes through). */
async function liveStatus(handle: WorkflowHandle): Promise<RunStatus | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      handle.query<RunStatus>('status'),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), QUERY_WAIT_MS))),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The input the run's latest execution started with (the pinned flow, the trigger, who started it). */
export async function runInputOf(temporal: Client, runId: string): Promise<RunInput> {
  const history = await temporal.workflow.getHandle(runId).fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const [input] = await decodeArrayFromPayloads(temporal.options.loadedDataConverter, payloads);
  if (input === undefined) throw new Error(`run ${runId} has no input in its history`);
  return input as RunInput;
}

export async function pauseRun(deps: RunControlDeps, runId: string, actor: Actor, comment?: string): Promise<void> {
  const handle = await openHandle(deps.temporal, runId);
  await handle.signal(pauseSignal, { actor, ...(comment ? { comment } : {}) });
}

export async function resumeRun(deps: RunControlDeps, runId: string, actor: Actor, comment?: string): Promise<void> {
  const handle = await openHandle(deps.temporal, runId);
  await handle.signal(resumeSignal, { actor, ...(comment ? { comment } : {}) });
}

/** Stops running containers, runs the `end` jobs, ends the run as cancelled. */
export async function cancelRun(deps: RunControlDeps, runId: string): Promise<void> {
  const handle = await openHandle(deps.temporal, runId);
  await handle.cancel();
}

/** Approves or rejects a waiting `pause` stage; 403 for someone who may not, 409 for a stage that is not waiting. */
export async function decide(deps: RunControlDeps, runId: string, stageName: string, approve: boolean, actor: Actor, comment?: string): Promise<void> {
  const handle = await openHandle(deps.temporal, runId);
  const input = await runInputOf(deps.temporal, runId);
  const stage = input.flow.stages.find((s) => s.name === stageName);
  if (stage === undefined) throw notFound(`stage ${stageName} in run ${runId}`);
  if (stage.type !== 'pause') throw new ApiError(409, 'not_a_gate', `stage ${stageName} is a ${stage.type} stage, not an approval gate (pause stage)`);
  const status = await liveStatus(handle);
  const gate = status?.stages.find((s) => s.name === stageName);
  if (gate !== undefined && gate.state !== 'waiting') {
    throw new ApiError(409, 'gate_not_waiting', `stage ${stageName} is not waiting for approval (it is ${gate.state})`);
  }
  const refusal = refuseDecision(stageName, stage.approval ?? DEFAULT_APPROVAL, actor, approve, input.triggeredBy ?? input.carried?.status.triggeredBy, gate?.approval);
  if (refusal !== undefined) throw new ApiError(403, 'decision_refused', refusal);
  await handle.signal(decideSignal, { actor, stage: stageName, approve, ...(comment ? { comment } : {}), at: new Date().toISOString() });
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
export async function rerun(deps: RunControlDeps, runId: string, actor: Actor, full = false): Promise<Rerun> {
  const { handle, state } = await describeRun(deps.temporal, runId);
  if (state === 'RUNNING') throw new ApiError(409, 'run_open', `run ${runId} is still open: cancel it or wait for its end before re-running it`);
  const original = await runInputOf(deps.temporal, runId);
  const final = state === 'COMPLETED' ? ((await handle.result()) as RunStatus) : undefined;
  const reuse: Record<string, Record<string, string>> = {};
  if (!full && final) {
    for (const stage of final.stages) {
      if (stage.type === 'end') continue;
      for (const job of stage.actions.flatMap((a) => a.jobs)) if (job.state === 'succeeded') reuse[job.path] = job.outputs;
    }
  }
  const uri = original.flow.uri;
  const number = deps.store.nextRunNumber(uri);
  const newId = runIdOf(uri, number);
  const { carried: _carried, reuse: _reuse, rerunOf: _rerunOf, ...rest } = original;
  const input: RunInput = { ...rest, runId: newId, number, rerunOf: runId, reuse, triggeredBy: actor.user };
  await deps.temporal.workflow.start<typeof runFlow>('runFlow', {
    taskQueue: deps.taskQueue,
    workflowId: newId,
    args: [input],
    typedSearchAttributes: startingSearchAttributes({ flowUri: uri, number, trigger: { kind: 'rerun', actor: actor.user } }),
  });
  return { runId: newId, number, rerunOf: runId, reused: Object.keys(reuse) };
}
