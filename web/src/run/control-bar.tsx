/** Placeholder (being built): pause, resume, cancel and re-run a run, as the signed-in user. */
import type { RunStatus } from '../../../contracts/run-status.ts';

export interface ControlBarProps {
  readonly run: RunStatus;
  /** Called after an action the API accepted (the page's SSE shows the change anyway). */
  readonly onChanged?: () => void;
}

export function ControlBar({ run }: ControlBarProps) {
  return <div class="control-bar" data-run={run.runId} />;
}
