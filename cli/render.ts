/**
 * Renders a run's stage/action/job tree for the terminal: state, attempts and durations.
 */
import type { RunState, RunStatus } from '../contracts/run-status.ts';

const MARK: Record<RunState, string> = {
  pending: '·', running: '▶', succeeded: '✔', failed: '✘', skipped: '↷', cancelled: '■', waiting: '⏸', paused: '⏸',
};

/** `1.2s`, `3m04s`, `1h02m`. */
function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function span(startedAt: string | undefined, endedAt: string | undefined, now: number): string {
  if (!startedAt) return '';
  return formatDuration((endedAt ? Date.parse(endedAt) : now) - Date.parse(startedAt));
}

/** One line per stage, action and job; under a job, its error and warnings. */
export function renderRun(run: RunStatus, now = Date.now()): string[] {
  const lines = [`run ${run.runId} (flow version ${run.flowVersion})  ${MARK[run.state]} ${run.state}  ${span(run.startedAt, run.endedAt, now)}`];
  const inputs = Object.entries(run.inputs ?? {});
  if (inputs.length > 0) lines.push(`  inputs: ${inputs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const stage of run.stages) {
    lines.push(`  ${MARK[stage.state]} ${stage.name} [${stage.type}] ${stage.state} ${span(stage.startedAt, stage.endedAt, now)}`.trimEnd());
    for (const action of stage.actions) {
      lines.push(`    ${MARK[action.state]} ${action.name} ${action.state} ${span(action.startedAt, action.endedAt, now)}`.trimEnd());
      for (const job of action.jobs) {
        const attempts = job.attempts.length > 1 ? ` (attempt ${job.attempts.length})` : '';
        const note = job.allowedFailure ? ' (failure allowed)' : '';
        lines.push(`      ${MARK[job.state]} ${job.name} ${job.state}${attempts}${note} ${span(job.startedAt, job.endedAt, now)}`.trimEnd());
        if (job.state === 'failed' && job.error) lines.push(`          ${job.error}`);
        for (const warning of job.warnings) lines.push(`          warning: ${warning}`);
      }
    }
  }
  if (run.workspace?.copiedFrom) lines.push(`  workspace: a copy of ${run.workspace.copiedFrom}'s`);
  if (run.workspace?.note) lines.push(`  workspace: ${run.workspace.note}`);
  if (run.secretsWithheld) lines.push(`  secrets: ${run.secretsWithheld}`);
  if (run.error) lines.push(`  error: ${run.error}`);
  for (const warning of run.warnings ?? []) lines.push(`  warning: ${warning}`);
  return lines;
}
