/**
 * The top of the run page: which flow and run, its state, what started it,
 * when, for how long (ticking while it runs), the flow version it runs, its inputs,
 * the run it re-runs, the workspace note, the run's error and the controls.
 */
import type { RunStatus } from '../../../contracts/run-status.ts';
import { runPath } from '../api.ts';
import { StateBadge } from '../components/state.tsx';
import { Link } from '../router.tsx';
import { formatDuration, formatTime } from '../time.ts';
import { ControlBar } from './control-bar.tsx';
import { durationOf } from './decorate.ts';
import type { Connection } from './use-run.ts';

const CONNECTION_TEXT: Record<Connection, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', ended: '' };

function Trigger({ status }: { status: RunStatus }) {
  const t = status.trigger;
  const actor = t?.actor ?? status.triggeredBy;
  const parts: string[] = [];
  if (t) parts.push(t.kind === t.event ? t.kind : `${t.kind} (${t.event})`);
  if (t?.branch) parts.push(`branch ${t.branch}`);
  if (t?.tag) parts.push(`tag ${t.tag}`);
  if (t?.commit) parts.push(`commit ${t.commit.slice(0, 12)}`);
  if (actor) parts.push(`by ${actor}`);
  if (!parts.length) return null;
  return <span class="run-trigger" title={t?.message}>{parts.join(', ')}</span>;
}

export function RunHeader({ status, connection, now }: { status: RunStatus; connection: Connection; now: number }) {
  const took = durationOf(status.startedAt, status.endedAt, now);
  return (
    <header class="run-header">
      <div class="run-title">
        <h1>
          <Link href={`/flows/${status.flowUri}`}>{status.flowUri}</Link> <span class="run-number">#{status.number}</span>
        </h1>
        <StateBadge state={status.state} />
        {connection !== 'ended' && <span class={`live-indicator ${connection}`} role="status">{CONNECTION_TEXT[connection]}</span>}
        <ControlBar run={status} />
      </div>
      <dl class="run-facts">
        <div><dt>triggered</dt><dd><Trigger status={status} /></dd></div>
        <div><dt>started</dt><dd>{formatTime(status.startedAt)}</dd></div>
        <div><dt>duration</dt><dd class="run-duration">{took === undefined ? '' : formatDuration(took)}</dd></div>
        <div><dt>flow version</dt><dd>{status.flowVersion}</dd></div>
        {status.inputs && Object.keys(status.inputs).length ? (
          <div class="run-inputs"><dt>inputs</dt><dd>{Object.entries(status.inputs).map(([k, v]) => <code key={k}>{k}={v} </code>)}</dd></div>
        ) : null}
        {status.rerunOf && <div><dt>re-run of</dt><dd><Link href={runPath(status.rerunOf)}>{status.rerunOf}</Link></dd></div>}
        {status.queued && <div><dt>queue</dt><dd>waiting for its turn under the flow's concurrency limit</dd></div>}
        {status.cancelledRuns?.length ? <div><dt>cancelled</dt><dd>{status.cancelledRuns.map((r) => <Link key={r} href={runPath(r)}>{r} </Link>)}</dd></div> : null}
      </dl>
      {status.secretsWithheld && <p class="notice run-secrets-withheld">{status.secretsWithheld}</p>}
      {status.workspace?.note && <p class="notice run-workspace">{status.workspace.note}</p>}
      {status.error && <p class="error-box run-error" role="alert">{status.error}</p>}
      {status.warnings?.map((w) => <p key={w} class="notice warning run-warning">{w}</p>)}
    </header>
  );
}
