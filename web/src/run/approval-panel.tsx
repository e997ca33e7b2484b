/**
 * An approval gate (a `pause` stage): who may decide, how many approvals it
 * needs, the decisions so far, the deadline, the outcome once it ended; and
 * while it waits, a comment box with Approve and Reject as the signed-in
 * user. Buttons the user cannot use are disabled with the reason (in the
 * API's own words); the API decides all the same and its refusal is shown.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DecisionRecord, RunStatus, StageStatus } from '../../../contracts/run-status.ts';
import { api, runPath } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { StateBadge } from '../components/state.tsx';
import { useSteerer } from './steerer.ts';
import { formatTime } from '../time.ts';
import { decisionBlock, gateSpec, relativeTime } from './approval-rules.ts';
import { useAction } from './use-action.ts';
import { useGateSpec } from './use-gate-spec.ts';

export interface ApprovalPanelProps {
  readonly run: RunStatus;
  /** A `pause` stage (with `approval`). */
  readonly stage: StageStatus;
}

/** The current time, every `everyMs` (for "in 12 min"). */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function Decisions({ decisions }: { decisions: readonly DecisionRecord[] }) {
  if (decisions.length === 0) return <p class="muted">No decision yet.</p>;
  return (
    <table class="decisions" aria-label="decisions">
      <thead><tr><th>Who</th><th>Decision</th><th>When</th><th>Comment</th></tr></thead>
      <tbody>
        {decisions.map((d) => (
          <tr key={`${d.user}-${d.at}`} data-user={d.user}>
            <td>{d.user}</td>
            <td class={d.approve ? 'approved' : 'rejected'}>{d.approve ? 'approved' : 'rejected'}</td>
            <td><time dateTime={d.at}>{formatTime(d.at)}</time></td>
            <td>{d.comment ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Decide({ run, stage, block }: { run: RunStatus; stage: StageStatus; block: { approve?: string; reject?: string } }) {
  const [comment, setComment] = useState('');
  const [state, act] = useAction<unknown>();
  const decide = (verb: 'approve' | 'reject') =>
    act(verb, () => api(`${runPath(run.runId)}/stages/${encodeURIComponent(stage.name)}/${verb}`, { method: 'POST', body: comment.trim() ? { comment: comment.trim() } : {} }));
  const busy = state.busy !== undefined;
  const reasons = [...new Set([block.approve, block.reject])].filter((r): r is string => r !== undefined);
  return (
    <div class="approval-decide">
      <label>Comment <textarea aria-label="Comment" rows={2} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} /></label>
      <div class="approval-buttons">
        <button type="button" class="primary" aria-label={`Approve ${stage.name}`} disabled={busy || block.approve !== undefined} title={block.approve} onClick={() => void decide('approve')}>Approve</button>
        <button type="button" class="danger" aria-label={`Reject ${stage.name}`} disabled={busy || block.reject !== undefined} title={block.reject} onClick={() => void decide('reject')}>Reject</button>
      </div>
      {reasons.map((r) => <p key={r} class="control-reason approval-reason">{r}</p>)}
      <div role="status" aria-live="polite">
        {state.result ? <span>{state.result.label === 'approve' ? 'Approved' : 'Rejected'}: the gate records the decision</span> : null}
      </div>
      {state.error ? <ErrorBox error={state.error} title="The API refused" /> : null}
    </div>
  );
}

export function ApprovalPanel({ run, stage }: ApprovalPanelProps) {
  const who = useSteerer();
  const fromFlow = useGateSpec(run, stage.name);
  const now = useNow(15_000);
  const gate = stage.approval;
  const spec = gateSpec(stage, fromFlow);
  const approvals = gate?.decisions.filter((d) => d.approve).length ?? 0;
  const waiting = stage.state === 'waiting';
  return (
    <section class="approval-panel" aria-label={`approval ${stage.name}`} data-stage={stage.name} data-state={stage.state}>
      <h3>Approval: {stage.name} <StateBadge state={stage.state} /></h3>
      <dl class="approval-facts">
        <dt>Approvers</dt>
        <dd>{spec.approvers.length > 0 ? spec.approvers.join(', ') : 'any operator'}{spec.forbidSelfApproval ? ' (not the user who started the run)' : ''}</dd>
        <dt>Approvals</dt>
        <dd>{approvals} of {spec.required} required</dd>
        <dt>Deadline</dt>
        <dd>{gate?.deadline ? <><time dateTime={gate.deadline}>{formatTime(gate.deadline)}</time>{waiting ? ` (${relativeTime(gate.deadline, now)}, then ${spec.onTimeout === 'approve' ? 'approved' : 'rejected'})` : ''}</> : 'none: waits until decided'}</dd>
        {gate?.outcome ? <><dt>Outcome</dt><dd class="approval-outcome">{gate.outcome}</dd></> : null}
      </dl>
      <Decisions decisions={gate?.decisions ?? []} />
      {waiting ? <Decide run={run} stage={stage} block={decisionBlock(run, stage, who, spec)} /> : null}
    </section>
  );
}
