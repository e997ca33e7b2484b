/**
 * Approval gates (`pause` stages): the `decide` signal records the decisions
 * the approval policy admits, and the gate waits for enough approvals, a
 * rejection, its timeout, or a cancellation.
 */
import { condition, isCancellation, log, setHandler } from '@temporalio/workflow';
import type { StageSpec } from '../flow/model.ts';
import { DEFAULT_APPROVAL, refuseDecision } from '../contracts/approval-policy.ts';
import type { StageStatus } from '../contracts/run-status.ts';
import { decideSignal } from '../contracts/signals.ts';
import { notify } from './notify.ts';
import { finish, now, refreshRunState, type RunContext } from './run-context.ts';

/**
 * Registers the `decide` signal handler. The API checks decisions first; the
 * workflow checks again, because a signal may come from anyone with access
 * to Temporal: only decisions the policy admits are recorded.
 */
export function handleDecisions(ctx: RunContext): void {
  const { flow, status } = ctx;
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
    ss.approval.decisions.push({ user: d.actor.user, roles: [...d.actor.roles], approve: d.approve, ...(d.comment ? { comment: d.comment } : {}), at: now() });
  });
}

/** An approval gate: waits for the decisions, the timeout, or a cancellation. True when the gate passed. */
export async function runGate(ctx: RunContext, stage: StageSpec, ss: StageStatus): Promise<boolean> {
  const approval = stage.approval ?? DEFAULT_APPROVAL;
  const fresh = ss.approval === undefined;
  ss.approval ??= {
    required: approval.required,
    approvers: approval.approvers,
    decisions: [],
    ...(approval.timeoutMs > 0 ? { deadline: new Date(Date.now() + approval.timeoutMs).toISOString() } : {}),
  };
  const gate = ss.approval;
  ss.state = 'waiting';
  refreshRunState(ctx);
  if (fresh) notify(ctx, 'approval', stage.name);
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
