/** Placeholder (being built): an approval gate's approvers, decisions, deadline, approve and reject. */
import type { RunStatus, StageStatus } from '../../../contracts/run-status.ts';

export interface ApprovalPanelProps {
  readonly run: RunStatus;
  /** A `pause` stage (with `approval`). */
  readonly stage: StageStatus;
}

export function ApprovalPanel({ stage }: ApprovalPanelProps) {
  return <div class="approval-panel" data-stage={stage.name} />;
}
