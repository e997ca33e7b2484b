/**
 * The run workflow: one Temporal workflow per run, interpreting the pinned
 * flow deterministically. It is the one writer of run state (the status tree).
 */
import { CancellationScope, condition, isCancellation, log, patched, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { ActionSpec, StageSpec } from '../flow/model.ts';
import { DEFAULT_APPROVAL, refuseDecision } from '../contracts/approval-policy.ts';
import { now, refreshRunState, type RunContext } from './run-context.ts';
import { type RunInput } from '../contracts/run-input.ts';
import { decideSignal, pauseSignal, resumeSignal, statusQuery } from '../contracts/signals.ts';
import { conditionHolds, skippedByCondition } from './expressions-context.ts';
import { runJob } from './job.ts';
import { takeTurn } from './concurrency.ts';
import { RUN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.ts';
import { initialStatus } from './status.ts';
import { isFinal, type ActionStatus, type JobState, type RunStatus, type StageStatus } from '../contracts/run-status.ts';

function finish(node: { state: RunStatus['state']; endedAt?: string }, state: JobState): void {
  node.state = state;
  node.endedAt = now();
}

/** A fresh tree, or the carried one; re-runs mark the reused jobs as succeeded. */
function startingStatus(input: RunInput): RunStatus {
  if (input.carried) return input.carried.status;
  const status = initialStatus(input.flow, input.runId, input.number, input.flowVersion, now());
  if (input.triggeredBy !== undefined) status.triggeredBy = input.triggeredBy;
  if (input.rerunOf !== undefined) status.rerunOf = input.rerunOf;
  for (const [si, stage] of input.flow.stages.entries()) {
    if (stage.type === 'end') continue; // `end` jobs always run again
    for (const [ai, action] of stage.actions.entries()) {
      for (const [ji, job] of action.jobs.entries()) {
        const reused = input.reuse?.[job.path];
        if (reused === undefined) continue;
        const js = status.stages[si]!.actions[ai]!.jobs[ji]!;
        js.state = 'succeeded';
        js.outputs = { ...reused };
        js.reusedFrom = input.rerunOf;
      }
    }
  }
  return status;
}

/** Runs a flow to the end and returns the final status tree. */
export async function runFlow(input: RunInput): Promise<RunStatus> {
  const { flow } = input;
  const status = startingStatus(input);
  // Search attributes the API filters runs by, whoever started the run (patched: older histories replay unchanged).
  const indexed = patched('coflow-search-attributes');
  if (indexed && !input.carried) {
    upsertSearchAttributes([
      { key: RUN_SEARCH_ATTRIBUTES.flow, value: flow.uri },
      { key: RUN_SEARCH_ATTRIBUTES.number, value: input.number },
      { key: RUN_SEARCH_ATTRIBUTES.status, value: 'running' },
    ]);
  }
  const ctx: RunContext = { input, flow, status, outputs: new Map(Object.entries(input.carried?.outputs ?? {})), inFlight: 0 };
  if (!input.carried) {
    for (const js of status.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs))) {
      if (js.reusedFrom !== undefined) ctx.outputs.set(js.path, js.outputs);
    }
  }

  setHandler(statusQuery, () => status);
  setHandler(pauseSignal, () => {
    status.paused = true;
    refreshRunState(ctx);
  });
  setHandler(resumeSignal, () => {
    status.paused = false;
    refreshRunState(ctx);
  });
  setHandler(decideSignal, (d) => {
    const index = flow.stages.findIndex((s) => s.name === d.stage);
    const stage = flow.stages[index];
    const ss = status.stages[index];
    if (stage === undefined || ss === undefined || ss.state !== 'waiting' || ss.approval === undefined) {
      log.warn('ignored a decision for a stage that is not waiting', { stage: d.stage, user: d.actor.user });
      return;
    }
    const refusal = refuseDecision(stage.name, stage.approval ?? DEFAULT_APPROVAL, d.actor, d.approve, status.triggeredBy, ss.approval);
    if (refusal !== undefined) {
      log.warn('refused a decision', { stage: d.stage, user: d.actor.user, refusal });
      return;
    }
    ss.approval.decisions.push({ user: d.actor.user, approve: d.approve, ...(d.comment ? { comment: d.comment } : {}), at: now() });
  });

  /** Jobs of an action run in sequence; the first failure (not allowed) ends the action. */
  async function runAction(action: ActionSpec, as: ActionStatus, scope: CancellationScope | undefined): Promise<boolean> {
    if (isFinal(as.state)) return as.state === 'succeeded' || as.state === 'skipped';
    if (skippedByCondition(ctx, action.if, as)) return as.state === 'skipped';
    as.state = 'running';
    as.startedAt ??= now();
    let ok = true;
    for (const [i, job] of action.jobs.entries()) {
      const js = as.jobs[i]!;
      if (!ok || scope?.consideredCancelled) {
        if (!isFinal(js.state)) js.state = ok ? 'cancelled' : 'skipped';
        continue;
      }
      const when = isFinal(js.state) ? { holds: true } : conditionHolds(ctx, job.if);
      if (!when.holds) {
        if (when.error === undefined) js.state = 'skipped';
        else Object.assign(js, { state: 'failed', error: when.error });
        if (when.error === undefined || job.allowFailure) continue;
      }
      const state = when.holds ? await runJob(ctx, job, js) : 'failed';
      if (state === 'failed' && job.allowFailure) {
        js.allowedFailure = true;
      } else if (state !== 'succeeded') {
        ok = false;
        as.state = state === 'cancelled' ? 'cancelled' : 'failed';
      }
    }
    if (ok) as.state = 'succeeded';
    as.endedAt = now();
    return ok;
  }

  /** An approval gate: waits for the decisions, the timeout, or a cancellation. */
  async function runGate(stage: StageSpec, ss: StageStatus): Promise<boolean> {
    const approval = stage.approval ?? DEFAULT_APPROVAL;
    ss.approval ??= {
      required: approval.required,
      approvers: approval.approvers,
      decisions: [],
      ...(approval.timeoutMs > 0 ? { deadline: new Date(Date.now() + approval.timeoutMs).toISOString() } : {}),
    };
    const gate = ss.approval;
    ss.state = 'waiting';
    refreshRunState(ctx);
    const rejection = () => gate.decisions.find((d) => !d.approve);
    const decided = () => rejection() !== undefined || gate.decisions.filter((d) => d.approve).length >= approval.required;
    let inTime = true;
    try {
      if (gate.deadline === undefined) await condition(decided);
      else inTime = await condition(decided, Math.max(Date.parse(gate.deadline) - Date.now(), 1));
    } catch (err) {
      if (!isCancellation(err)) throw err;
      finish(ss, 'cancelled');
      refreshRunState(ctx);
      return false;
    }
    const rejected = rejection();
    let passed: boolean;
    if (!inTime) {
      passed = approval.onTimeout === 'approve';
      gate.outcome = `timed out (${passed ? 'approved' : 'rejected'})`;
      if (!passed) ss.error = `approval timed out after ${approval.timeoutMs / 1000}s`;
    } else if (rejected) {
      passed = false;
      gate.outcome = 'rejected';
      ss.error = `rejected by ${rejected.user}${rejected.comment ? `: ${rejected.comment}` : ''}`;
    } else {
      passed = true;
      gate.outcome = 'approved';
    }
    finish(ss, passed ? 'succeeded' : 'failed');
    refreshRunState(ctx);
    return passed;
  }

  /** Actions run in sequence or in parallel; in parallel, one failure cancels the others (fail fast). */
  async function runStage(stage: StageSpec, ss: StageStatus): Promise<boolean> {
    if (isFinal(ss.state)) return ss.state === 'succeeded' || ss.state === 'skipped';
    if (skippedByCondition(ctx, stage.if, ss)) return ss.state === 'skipped';
    ss.state = 'running';
    ss.startedAt ??= now();
    if (stage.type === 'pause') return runGate(stage, ss);
    let ok = true;
    if (stage.sequencing === 'parallel') {
      const scope = new CancellationScope();
      const results = await scope.run(() =>
        Promise.all(
          stage.actions.map(async (action, i) => {
            const passed = await runAction(action, ss.actions[i]!, scope);
            if (!passed) scope.cancel();
            return passed;
          }),
        ),
      );
      ok = results.every(Boolean);
    } else {
      for (const [i, action] of stage.actions.entries()) {
        const as = ss.actions[i]!;
        if (!ok) {
          if (!isFinal(as.state)) as.state = 'skipped';
          as.jobs.forEach((j) => {
            if (!isFinal(j.state)) j.state = 'skipped';
          });
          continue;
        }
        ok = await runAction(action, as, undefined);
      }
    }
    const cancelled = ss.actions.some((a) => a.state === 'cancelled') && !ss.actions.some((a) => a.state === 'failed');
    finish(ss, ok ? 'succeeded' : cancelled ? 'cancelled' : 'failed');
    return ok;
  }

  function skipAll(stage: StageStatus): void {
    if (!isFinal(stage.state)) stage.state = 'skipped';
    for (const a of stage.actions) {
      if (!isFinal(a.state)) a.state = 'skipped';
      for (const j of a.jobs) if (!isFinal(j.state)) j.state = 'skipped';
    }
  }

  // The flow's concurrency limit: wait for the turn, or end at once when rejected or cancelled in the queue.
  const turn = await takeTurn(ctx);
  if (turn !== 'go') {
    status.stages.forEach(skipAll);
    finish(status, 'cancelled');
    if (turn === 'cancelled') status.error = 'cancelled while queued behind earlier runs (concurrency)';
    if (indexed) upsertSearchAttributes([{ key: RUN_SEARCH_ATTRIBUTES.status, value: status.state }]);
    return status;
  }

  const staged = flow.stages.map((s, i) => ({ spec: s, status: status.stages[i]! }));
  const mainStages = staged.filter((s) => s.spec.type !== 'end');
  const endStages = staged.filter((s) => s.spec.type === 'end');

  let timedOut = false;
  let failedStage: string | undefined;
  const main = new CancellationScope();
  if (flow.timeoutMs > 0) {
    // The timer lives outside `main` so that cancelling `main` leaves it alone;
    // it counts from the run's start, across continue-as-new.
    const left = Date.parse(status.startedAt) + flow.timeoutMs - Date.now();
    void CancellationScope.nonCancellable(async () => {
      await sleep(Math.max(left, 1));
      timedOut = true;
      main.cancel();
    }).catch(() => undefined);
  }
  try {
    await main.run(async () => {
      for (const { spec, status: ss } of mainStages) {
        if (failedStage !== undefined || main.consideredCancelled) {
          skipAll(ss);
          continue;
        }
        if (!(await runStage(spec, ss))) failedStage = spec.name;
      }
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  const cancelled = !timedOut && (main.consideredCancelled || CancellationScope.current().consideredCancelled);

  // `end` jobs always run, after success, failure, timeout or cancellation; a pause does not hold them.
  status.paused = false;
  await CancellationScope.nonCancellable(async () => {
    for (const { spec, status: ss } of endStages) await runStage(spec, ss);
  });

  if (timedOut) {
    status.error = `run timed out after ${flow.timeoutMs / 1000}s`;
    finish(status, 'failed');
  } else if (cancelled) {
    finish(status, 'cancelled');
  } else if (failedStage !== undefined) {
    const failedJob = status.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs)).find((j) => j.state === 'failed' && !j.allowedFailure);
    const stageError = status.stages.find((s) => s.name === failedStage)?.error;
    status.error = failedJob ? `job ${failedJob.path} failed: ${failedJob.error ?? 'unknown reason'}` : `stage ${failedStage} failed${stageError ? `: ${stageError}` : ''}`;
    finish(status, 'failed');
  } else if (endStages.some((s) => s.status.state === 'failed')) {
    status.error = 'an end-stage job failed';
    finish(status, 'failed');
  } else {
    finish(status, 'succeeded');
  }
  if (indexed) upsertSearchAttributes([{ key: RUN_SEARCH_ATTRIBUTES.status, value: status.state }]);
  return status;
}
