/**
 * The actions of a stage: in sequence (a failure skips the rest) or in
 * parallel (a failure cancels the others: fail fast); the jobs of one action
 * always in sequence.
 */
import { CancellationScope } from '@temporalio/workflow';
import type { ActionSpec, StageSpec } from '../flow/model.ts';
import { isFinal, type ActionStatus, type StageStatus } from '../contracts/run-status.ts';
import { conditionHolds, skippedByCondition } from './expressions-context.ts';
import { runJob } from './job.ts';
import { now, type RunContext } from './run-context.ts';

/** Runs a stage's actions; true when every one succeeded (or was skipped). */
export async function runActions(ctx: RunContext, stage: StageSpec, ss: StageStatus): Promise<boolean> {
  let ok = true;
  if (stage.sequencing === 'parallel') {
    const scope = new CancellationScope();
    const results = await scope.run(() =>
      Promise.all(
        stage.actions.map(async (action, i) => {
          const passed = await runAction(ctx, action, ss.actions[i]!, scope);
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
      ok = await runAction(ctx, action, as, undefined);
    }
  }
  return ok;
}

/** Jobs of an action run in sequence; the first failure (not allowed) ends the action. */
async function runAction(ctx: RunContext, action: ActionSpec, as: ActionStatus, scope: CancellationScope | undefined): Promise<boolean> {
  if (isFinal(as.state)) return as.state === 'succeeded' || as.state === 'skipped';
  if (skippedByCondition(ctx, action.if, as)) return as.state === 'skipped';
  as.state = 'running';
  as.startedAt ??= now();
  let ok = true;
  for (const [i, job] of action.jobs.entries()) {
    const js = as.jobs[i]!;
    // Once the action failed, its later jobs are skipped; once fail fast cancelled it, they are cancelled.
    if (!ok || scope?.consideredCancelled) {
      if (!isFinal(js.state)) js.state = ok ? 'cancelled' : 'skipped';
      continue;
    }
    const when = isFinal(js.state) ? { holds: true } : conditionHolds(ctx, job.if);
    if (!when.holds) {
      if (when.error === undefined) js.state = 'skipped';
      else Object.assign(js, { state: 'failed', error: when.error, endedAt: now(), ...(job.allowFailure ? { allowedFailure: true } : {}) });
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
