/** The workflow bundle entry point: every workflow type the worker registers. */
import type {
  NOTIFY_WORKFLOW,
  NotifyWorkflow,
  ROLLBACK_WORKFLOW,
  RollbackWorkflow,
  REPORT_WORKFLOW,
  ReportWorkflow,
  RUN_WORKFLOW,
  SCALE_DOWN_WORKFLOW,
  SCHEDULED_RUN_WORKFLOW,
  RunWorkflow,
  ScaleDownWorkflow,
  ScheduledRunWorkflow,
} from '../contracts/workflows.ts';
import type { WORKSPACE_RETENTION_WORKFLOW, WorkspaceRetentionWorkflow } from '../contracts/workspace.ts';
import { rollbackDeployment } from './deploy-rollback.ts';
import { scaleDownColourLater } from './deploy-scale-down.ts';
import { notifyRun } from './notify.ts';
import { reportRun } from './report.ts';
import { runFlow } from './run.ts';
import { scheduledRun } from './scheduled-run.ts';
import { workspaceRetention } from './workspace-retention.ts';

/** Checks at compile time that the exports have the names and signatures clients start them by. */
type Registered = {
  readonly [RUN_WORKFLOW]: RunWorkflow;
  readonly [SCHEDULED_RUN_WORKFLOW]: ScheduledRunWorkflow;
  readonly [WORKSPACE_RETENTION_WORKFLOW]: WorkspaceRetentionWorkflow;
  readonly [NOTIFY_WORKFLOW]: NotifyWorkflow;
  readonly [SCALE_DOWN_WORKFLOW]: ScaleDownWorkflow;
  readonly [ROLLBACK_WORKFLOW]: RollbackWorkflow;
  readonly [REPORT_WORKFLOW]: ReportWorkflow;
};
const _registered: Registered = { runFlow, scheduledRun, workspaceRetention, notifyRun, scaleDownColourLater, rollbackDeployment, reportRun };

export { notifyRun, reportRun, rollbackDeployment, runFlow, scaleDownColourLater, scheduledRun, workspaceRetention };
