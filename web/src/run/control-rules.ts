/**
 * Which run-control buttons make sense for a run and the signed-in user, and
 * why not when they do not. Pure: the control bar draws from it and the
 * unit tests check it. The API decides all the same; this only saves the
 * user a click that would be refused.
 */
import { isFinal, type RunStatus } from '../../../contracts/run-status.ts';

export const CONTROL_ACTIONS = ['pause', 'resume', 'cancel', 'rerun-failed', 'rerun-full'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** Enabled, or disabled with the reason in words. */
export interface Availability {
  readonly enabled: boolean;
  readonly reason?: string;
}

/**
 * Who is signed in, as the rules need it: the session's user and roles, and
 * whether `hasRole(session, 'operator')` (see `steerer.ts`). Kept apart from
 * session.ts (and Preact's DOM types) so that their unit tests type-check with the server's tsconfig.
 */
export interface Steerer {
  readonly user: string;
  readonly roles: readonly string[];
  readonly operator: boolean;
}

/** Why the user may not steer runs, or undefined when they may (operator or admin). */
export function roleProblem(who: Steerer | null): string | undefined {
  if (!who) return 'sign in as an operator to do this';
  if (who.operator) return undefined;
  const roles = who.roles.length > 0 ? who.roles.join(', ') : 'no role';
  return `needs the operator role — you are ${roles}`;
}

/** Why `action` makes no sense for a run in this state, or undefined. */
function stateProblem(action: ControlAction, run: RunStatus): string | undefined {
  const ended = isFinal(run.state);
  switch (action) {
    case 'pause':
      if (ended) return 'the run has ended';
      return run.paused ? 'the run is already paused' : undefined;
    case 'resume':
      if (ended) return 'the run has ended';
      return run.paused ? undefined : 'the run is not paused';
    case 'cancel':
      return ended ? 'the run has ended' : undefined;
    case 'rerun-failed':
      if (!ended) return 'the run has not ended yet';
      return run.state === 'failed' ? undefined : `only a failed run re-runs from its failed job (this one ${run.state})`;
    case 'rerun-full':
      return ended ? undefined : 'the run has not ended yet';
  }
}

/** Every action's availability; the role comes first, as it is the one the user cannot change here. */
export function controlAvailability(run: RunStatus, who: Steerer | null): Record<ControlAction, Availability> {
  const role = roleProblem(who);
  const entries = CONTROL_ACTIONS.map((action) => {
    const reason = role ?? stateProblem(action, run);
    return [action, reason === undefined ? { enabled: true } : { enabled: false, reason }] as const;
  });
  return Object.fromEntries(entries) as Record<ControlAction, Availability>;
}
