/** The log of one job as component state: a {@link LogSource} per run and job, live while `live`. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LogSource, type LogState } from './log-source.ts';

export function useLogSource(runId: string, jobPath: string, live: boolean): LogState {
  const source = useMemo(() => new LogSource(runId, jobPath), [runId, jobPath]);
  const [state, setState] = useState<LogState>(() => source.state());
  useEffect(() => {
    setState(source.state());
    const off = source.subscribe(() => setState(source.state()));
    return () => {
      off();
      source.stop();
    };
  }, [source]);
  useEffect(() => source.start(live), [source, live]);
  return state;
}
