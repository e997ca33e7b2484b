/**
 * Who may decide on an approval gate. Pure: the workflow applies it to every
 * decision it receives, and the API applies it first so that a refused
 * decision gets a clear error at once and is never signalled.
 */
import type { ApprovalSpec } from '../flow/model.ts';
import type { Actor } from './signals.ts';
import type { ApprovalStatus } from './run-status.ts';

/** The gate of a `pause` stage without an `approval:` block: any operator, once. */
export const DEFAULT_APPROVAL: ApprovalSpec = { approvers: [], required: 1, forbidSelfApproval: false, timeoutMs: 0, onTimeout: 'reject' };

/** True when `actor` is listed by name or by one of its roles (`role:<name>`); an empty list admits everyone. */
function isApprover(approval: ApprovalSpec, actor: Actor): boolean {
  if (approval.approvers.length === 0) return true;
  return approval.approvers.some((a) => (a.startsWith('role:') ? actor.roles.includes(a.slice('role:'.length)) : a === actor.user));
}

/**
 * Why `actor` may not make this decision, or undefined when they may.
 * `triggeredBy` is the user who started the run.
 */
export function refuseDecision(
  stage: string,
  approval: ApprovalSpec,
  actor: Actor,
  approve: boolean,
  triggeredBy: string | undefined,
  gate: ApprovalStatus | undefined,
): string | undefined {
  if (!isApprover(approval, actor)) {
    return `${actor.user} may not decide on stage ${stage}: approvers are ${approval.approvers.join(', ')}`;
  }
  if (approve && approval.forbidSelfApproval && triggeredBy !== undefined && actor.user === triggeredBy) {
    return `${actor.user} started this run and may not approve it (forbidSelfApproval)`;
  }
  if (gate?.decisions.some((d) => d.user === actor.user)) {
    return `${actor.user} has already decided on stage ${stage}`;
  }
  return undefined;
}

/** True when `actor` is one of an environment's `approvers` (users, `role:x`), or the list is empty (who may decide on a canary step). */
export function isEnvironmentApprover(approvers: readonly string[], actor: Pick<Actor, 'user' | 'roles'>): boolean {
  return approvers.length === 0 || approvers.some((a) => (a.startsWith('role:') ? actor.roles.includes(a.slice('role:'.length)) : a === actor.user));
}
