/**
 * Run, stage and job states as the UI shows them: one word and one colour
 * each (the colours are CSS variables in styles.css, `--state-<name>`).
 */
import type { RunState } from '../../../contracts/run-status.ts';

const LABEL: Record<RunState, string> = {
  pending: 'pending', running: 'running', succeeded: 'succeeded', failed: 'failed',
  skipped: 'skipped', cancelled: 'cancelled', waiting: 'waiting for approval', paused: 'paused',
};

/** The label of a state; unknown words (e.g. Temporal's `terminated`) pass through. */
export const stateLabel = (state: string): string => LABEL[state as RunState] ?? state;

/** A coloured badge naming the state (`data-state` lets tests and styles find it). */
export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state}`} data-state={state}>{stateLabel(state)}</span>;
}
