/**
 * What the approval panel can tell before asking the API: whether the
 * signed-in user may approve or reject a waiting gate, in the API's own
 * words (the same `refuseDecision` the API and the workflow apply), and the
 * deadline as people read it. Pure; the API decides all the same.
 */
import { DEFAULT_APPROVAL, refuseDecision } from '../../../contracts/approval-policy.ts';
import type { RunStatus, StageStatus } from '../../../contracts/run-status.ts';
import type { ApprovalSpec } from '../../../flow/model.ts';
import { formatDuration } from '../time.ts';
import { roleProblem, type Steerer } from './control-rules.ts';

/** Why approving / rejecting is refused (undefined when allowed). */
export interface DecisionBlock {
  readonly approve?: string;
  readonly reject?: string;
}

/**
 * The gate's rules: the flow version's `approval:` when known (it alone says
 * `forbidSelfApproval`), else what the status carries.
 */
export function gateSpec(stage: StageStatus, fromFlow: ApprovalSpec | undefined): ApprovalSpec {
  if (fromFlow) return fromFlow;
  const a = stage.approval;
  return a ? { ...DEFAULT_APPROVAL, approvers: a.approvers, required: a.required } : DEFAULT_APPROVAL;
}

/** Why the signed-in user (`who`) may not approve or reject this gate now. */
export function decisionBlock(run: RunStatus, stage: StageStatus, who: Steerer | null, spec: ApprovalSpec): DecisionBlock {
  if (stage.state !== 'waiting') {
    const why = `the gate is not waiting for approval (it is ${stage.state})`;
    return { approve: why, reject: why };
  }
  const role = roleProblem(who);
  if (role !== undefined) return { approve: role, reject: role };
  if (!who) return {};
  const actor = { user: who.user, roles: who.roles };
  const refuse = (approve: boolean) => refuseDecision(stage.name, spec, actor, approve, run.triggeredBy, stage.approval);
  const approve = refuse(true);
  const reject = refuse(false);
  return { ...(approve === undefined ? {} : { approve }), ...(reject === undefined ? {} : { reject }) };
}

/** `in 12 min`, `3 min ago`, `now`: a time relative to `now`, to the minute past the first one. */
export function relativeTime(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  if (abs < 1000) return 'now';
  const text = abs < 60_000 ? formatDuration(abs) : formatDuration(Math.round(abs / 60_000) * 60_000).replace(/ 0 (s|min)$/, '');
  return ms > 0 ? `in ${text}` : `${text} ago`;
}
