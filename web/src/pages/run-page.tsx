/**
 * One run, live: its header and controls, the whole flow drawn at once and
 * coloured by the status tree as it changes, approval gates, and the job
 * opened from the graph (`?job=stage.action.job`, so a link opens it; the
 * hash belongs to the log viewer).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { StageStatus } from '../../../contracts/run-status.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { GraphView, type GraphSelection } from '../graph/graph-view.tsx';
import type { PageProps } from '../routes.tsx';
import { ApprovalPanel } from '../run/approval-panel.tsx';
import { decorateJob, decorateStage, indexStatus, isTicking } from '../run/decorate.ts';
import { JobPanel } from '../run/job-panel.tsx';
import { RunHeader } from '../run/run-header.tsx';
import { markApplied, useRun } from '../run/use-run.ts';

/** Re-renders every second while `on`, returning the current time. */
function useClock(on: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!on) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return on ? now : Date.now();
}

/** The selected job, kept in the query (`?job=`) with the hash left as it is. */
function useSelectedJob(): [string | undefined, (path: string | undefined) => void] {
  const read = () => new URLSearchParams(location.search).get('job') ?? undefined;
  const [job, setJob] = useState(read);
  useEffect(() => {
    const back = () => setJob(read());
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);
  const select = (path: string | undefined) => {
    const q = new URLSearchParams(location.search);
    if (path) q.set('job', path);
    else q.delete('job');
    const search = q.toString();
    // A different job's log line means nothing: the hash stays only when the job does not change.
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}${path === job ? location.hash : ''}`);
    setJob(path);
  };
  return [job, select];
}

function Gates({ stages, selectedStage, run }: { stages: readonly StageStatus[]; selectedStage: string | undefined; run: Parameters<typeof ApprovalPanel>[0]['run'] }) {
  const shown = stages.filter((s) => s.type === 'pause' && (s.state === 'waiting' || s.name === selectedStage));
  return <>{shown.map((s) => <section key={s.name} class="panel gate-panel" aria-label={`approval gate ${s.name}`}><ApprovalPanel run={run} stage={s} /></section>)}</>;
}

export default function Page({ params }: PageProps) {
  const path = `${params.ns}/${params.repo}/${params.name}/${params.number}`;
  const { status, error, connection, layout, layoutError } = useRun(path);
  const [jobPath, selectJob] = useSelectedJob();
  const [stageName, setStageName] = useState<string | undefined>();
  const now = useClock(status ? isTicking(status) : false);
  const index = useMemo(() => (status ? indexStatus(status) : undefined), [status]);
  useEffect(markApplied, [status]);

  if (error) return <section class="run-page"><h1>Run {path}</h1><ErrorBox error={error} /></section>;
  if (!status || !index) return <p class="loading">Loading run {path}…</p>;

  const selected: GraphSelection | undefined = jobPath ? { kind: 'job', id: jobPath } : stageName ? { kind: 'stage', id: stageName } : undefined;
  const onSelect = (s: GraphSelection) => {
    if (s.kind === 'job') {
      setStageName(undefined);
      selectJob(s.id);
    } else if (s.kind === 'stage') {
      selectJob(undefined);
      setStageName(s.id);
    }
  };
  const job = jobPath ? index.jobs.get(jobPath) : undefined;
  return (
    <section class="run-page">
      <RunHeader status={status} connection={connection} now={now} />
      <Gates stages={status.stages} selectedStage={stageName} run={status} />
      {layoutError && <ErrorBox error={layoutError} />}
      {layout ? (
        <GraphView layout={layout} label={`flow of run ${status.runId}`} selected={selected} onSelect={onSelect}
          decorateJob={(p) => decorateJob(index.jobs.get(p), now)} decorateStage={(n) => decorateStage(index.stages.get(n), now)} />
      ) : !layoutError && <p class="loading">Drawing the flow…</p>}
      {jobPath && !job && <p class="notice">This run has no job {jobPath}.</p>}
      {job && <JobPanel runId={status.runId} job={job} now={now} onClose={() => selectJob(undefined)} />}
    </section>
  );
}
