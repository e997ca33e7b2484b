/** Placeholder: run page (being built). */
// TEMP(logs): renders <LogViewer> for `?job=` so the log viewer's browser test and bench run before the real run page lands; drop this when merging it.
import { useEffect, useState } from 'preact/hooks';
import { isFinal, jobsOf, type RunStatus } from '../../../contracts/run-status.ts';
import { LogViewer } from '../logs/log-viewer.tsx';
import type { PageProps } from '../routes.tsx';
import { useLocation } from '../router.tsx';
import { follow } from '../sse.ts';

export default function Page({ params }: PageProps) {
  const job = useLocation().search.get('job');
  const runId = `${params.ns}/${params.repo}/${params.name}#${params.number}`;
  const [run, setRun] = useState<RunStatus>();
  useEffect(() => {
    const stream = follow(`/api/v1/runs/${params.ns}/${params.repo}/${params.name}/${params.number}/events`, { on: { status: (s) => setRun(s as RunStatus) } });
    return () => stream.close();
  }, [runId]);
  const j = run && job ? jobsOf(run).find((x) => x.path === job) : undefined;
  if (!job || !run || !j) return <section><h1>run page</h1><pre>{JSON.stringify(params)}</pre></section>;
  return <section><h1>{runId}</h1><LogViewer runId={runId} jobPath={job} attempts={j.attempts.length} live={!isFinal(run.state) && (j.state === 'pending' || j.state === 'running')} /></section>;
}
