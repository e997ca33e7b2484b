/**
 * The run's side of commit-status reporting (workflows/report.ts): it starts
 * its reporter when it starts (`pending`), tells it of each stage when the
 * target wants stages, and of its final state, and never waits for the forge.
 * The start and the signals go out one after the other on a chain the run
 * awaits before it returns (their delivery to Temporal, not to the forge).
 */
import { CancellationScope, ParentClosePolicy, WorkflowIdReusePolicy, getExternalWorkflowHandle, log, patched, setHandler, startChild } from '@temporalio/workflow';
import { reportWorkflowId, type ReportState, type ReportTarget, type ReportUpdate } from '../contracts/forge-report.ts';
import { isFinal, type StageStatus } from '../contracts/run-status.ts';
import { reportUpdateSignal, reportWarningSignal } from '../contracts/signals.ts';
import { REPORT_WORKFLOW, type ReportWorkflow } from '../contracts/workflows.ts';
import type { RunContext } from './run-context.ts';

/** What the run keeps of its reporting (on the RunContext). */
export interface RunReporting {
  readonly target: ReportTarget;
  /** The start and the signals, in order. */
  chain: Promise<void>;
  /** Stages told `pending` in this execution and not yet told how they ended. */
  readonly openStages: Set<string>;
}

/** Forges cap descriptions (GitHub: 140 characters). */
const MAX_DESCRIPTION = 140;
const short = (text: string): string => (text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`);

/** Starts reporting when the run has a target: the reporter, told the run is pending (first execution only). */
export function startReporting(ctx: RunContext): void {
  const target = ctx.input.report;
  // Runs recorded before reporting existed replay without these commands.
  if (target === undefined || !patched('coflow-forge-report')) return;
  const reporting: RunReporting = { target, chain: Promise.resolve(), openStages: new Set() };
  ctx.reporting = reporting;
  setHandler(reportWarningSignal, (warning) => {
    const warnings = (ctx.status.warnings ??= []);
    if (!warnings.includes(warning)) warnings.push(warning);
  });
  if (ctx.input.carried) {
    // The first execution started the reporter; stages it told `pending` and that are still open get their end from this one.
    if (target.perStage) for (const s of ctx.status.stages) if (s.startedAt !== undefined && !isFinal(s.state)) reporting.openStages.add(s.name);
    return;
  }
  const first: ReportUpdate = { context: target.context, state: 'pending', description: `coflow run #${ctx.status.number} is running` };
  const workflowId = reportWorkflowId(ctx.status.runId);
  enqueue(ctx, 'start', () =>
    startChild<ReportWorkflow>(REPORT_WORKFLOW, {
      workflowId,
      args: [{ runId: ctx.status.runId, target, first }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }),
  );
}

/** A stage started: `<context>/<stage>` pending. */
export function reportStageStart(ctx: RunContext, stage: StageStatus, isGate: boolean): void {
  const r = ctx.reporting;
  if (r === undefined || !r.target.perStage) return;
  r.openStages.add(stage.name);
  signal(ctx, { context: `${r.target.context}/${stage.name}`, state: 'pending', description: short(`stage ${stage.name} ${isGate ? 'is waiting for approval' : 'is running'}`) });
}

/** A stage ended (or the run ended while it was open): its final state. */
export function reportStageEnd(ctx: RunContext, stage: StageStatus): void {
  const r = ctx.reporting;
  if (r === undefined || !r.openStages.delete(stage.name)) return;
  const [state, words]: [ReportState, string] =
    stage.state === 'succeeded' ? ['success', `succeeded${took(stage)}`] : stage.state === 'failed' ? ['failure', 'failed'] : ['error', 'was cancelled'];
  signal(ctx, { context: `${r.target.context}/${stage.name}`, state, description: short(`stage ${stage.name} ${words}`) });
}

/** The run ended: stages still open, then the run's final state; the run awaits these signals (not the forge). */
export function reportEnd(ctx: RunContext): void {
  const r = ctx.reporting;
  if (r === undefined) return;
  for (const stage of ctx.status.stages) reportStageEnd(ctx, stage);
  const { status } = ctx;
  const run = `coflow run #${status.number}`;
  const failedStage = status.stages.find((s) => s.state === 'failed')?.name;
  const [state, words]: [ReportState, string] =
    status.state === 'succeeded'
      ? ['success', `succeeded${took(status)}`]
      : status.state === 'failed'
        ? ['failure', failedStage !== undefined ? `failed at stage ${failedStage}` : `failed: ${status.error ?? 'unknown reason'}`]
        : ['error', 'was cancelled'];
  signal(ctx, { context: r.target.context, state, description: short(`${run} ${words}`), final: true });
  ctx.notices.push(r.chain);
}

function took(node: { startedAt?: string; endedAt?: string }): string {
  if (node.startedAt === undefined || node.endedAt === undefined) return '';
  const ms = Math.max(0, Date.parse(node.endedAt) - Date.parse(node.startedAt));
  const seconds = Math.round(ms / 1000);
  return ` in ${seconds >= 60 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${seconds}s`}`;
}

function signal(ctx: RunContext, update: ReportUpdate): void {
  const workflowId = reportWorkflowId(ctx.status.runId);
  enqueue(ctx, update.state, () => getExternalWorkflowHandle(workflowId).signal(reportUpdateSignal, update));
}

/** Chains one command after the earlier ones; not cancellable (a cancelled run still reports `error`), never failing the run. */
function enqueue(ctx: RunContext, what: string, step: () => Promise<unknown>): void {
  const r = ctx.reporting!;
  ctx.inFlight++;
  r.chain = r.chain
    .then(() => CancellationScope.nonCancellable(step))
    .then(
      () => undefined,
      (err: unknown) => log.warn('commit status report not passed on', { runId: ctx.status.runId, what, error: (err as Error).message }),
    )
    .finally(() => ctx.inFlight--);
}
