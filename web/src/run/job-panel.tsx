/**
 * One job of a run, opened from the graph: its state and times, every
 * attempt (state, exit code, reason, duration), its outputs, warnings,
 * error, how it was allowed to fail or reused, a `repeat` job's
 * repetitions, and its log.
 */
import { isFinal, type JobStatus } from '../../../contracts/run-status.ts';
import { StateBadge } from '../components/state.tsx';
import { LogViewer } from '../logs/log-viewer.tsx';
import { formatDuration, formatTime } from '../time.ts';
import { durationOf } from './decorate.ts';

const took = (startedAt: string | undefined, endedAt: string | undefined, now: number): string => {
  const d = durationOf(startedAt, endedAt, now);
  return d === undefined ? '' : formatDuration(d);
};

function Attempts({ job, now }: { job: JobStatus; now: number }) {
  if (!job.attempts.length) return <p class="muted">No attempt yet.</p>;
  return (
    <table class="list attempts">
      <thead><tr><th>attempt</th><th>state</th><th>exit code</th><th>reason</th><th>started</th><th>duration</th></tr></thead>
      <tbody>
        {job.attempts.map((a) => (
          <tr key={a.number} data-attempt={a.number}>
            <td>{a.number}</td>
            <td><StateBadge state={a.state} /></td>
            <td class="exit-code">{a.exitCode ?? ''}</td>
            <td class="reason">{a.reason ?? ''}</td>
            <td>{formatTime(a.startedAt)}</td>
            <td>{took(a.startedAt, a.endedAt, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Repetitions({ job }: { job: JobStatus }) {
  if (job.repetitions === undefined && job.repeatStartedAt === undefined) return null;
  return (
    <dl class="job-facts repetitions">
      <div><dt>repetitions</dt><dd class="repetition-count">{job.repetitions ?? 0}</dd></div>
      {job.repeatStartedAt && <div><dt>first started</dt><dd>{formatTime(job.repeatStartedAt)}</dd></div>}
      {job.nextRepetitionAt && !isFinal(job.state) && <div><dt>next repetition</dt><dd>{formatTime(job.nextRepetitionAt)}</dd></div>}
    </dl>
  );
}

export function JobPanel({ runId, job, now, onClose }: { runId: string; job: JobStatus; now: number; onClose: () => void }) {
  const outputs = Object.entries(job.outputs);
  return (
    <section class="panel job-panel" data-job={job.path} aria-label={`job ${job.path}`}>
      <header class="job-panel-head">
        <h2>{job.path}</h2>
        <StateBadge state={job.state} />
        {job.allowedFailure && <span class="tag">failure allowed</span>}
        <button type="button" class="link close" onClick={onClose} aria-label="close the job">close</button>
      </header>
      <dl class="job-facts">
        <div><dt>started</dt><dd>{formatTime(job.startedAt)}</dd></div>
        <div><dt>ended</dt><dd>{formatTime(job.endedAt)}</dd></div>
        <div><dt>duration</dt><dd>{took(job.startedAt, job.endedAt, now)}</dd></div>
        {job.reusedFrom && <div><dt>reused from</dt><dd>{job.reusedFrom} (not run again)</dd></div>}
      </dl>
      {job.error && <p class="error-box job-error" role="alert">{job.error}</p>}
      {job.warnings.map((w) => <p key={w} class="notice warning">{w}</p>)}
      <Repetitions job={job} />
      <h3>Attempts</h3>
      <Attempts job={job} now={now} />
      <h3>Outputs</h3>
      {outputs.length ? (
        <table class="list outputs"><tbody>{outputs.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td><code>{v}</code></td></tr>)}</tbody></table>
      ) : <p class="muted">No outputs.</p>}
      <h3>Log</h3>
      <LogViewer runId={runId} jobPath={job.path} attempts={job.attempts.length} live={!isFinal(job.state)} />
    </section>
  );
}
