/**
 * A run as the page shows it: the status tree (fetched once, then followed
 * over SSE with reconnection until the run ends) and the laid-out graph of
 * its flow version (fetched and laid out once per version, whatever the
 * number of status events). Timings land in the browser's performance
 * timeline (`coflow:layout`, `coflow:status`) so they can be measured.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FlowSpec } from '../../../flow/model.ts';
import type { RunStatus } from '../../../contracts/run-status.ts';
import { api, type ApiError } from '../api.ts';
import { layoutGraph, type GraphLayout } from '../graph/layout.ts';
import { graphOfSpec } from '../graph/model.ts';
import { follow } from '../sse.ts';
import { isTicking } from './decorate.ts';

/** `connecting`, `live` (following), `reconnecting` (lost the stream, retrying), `ended` (nothing more will change). */
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'ended';

export interface RunView {
  readonly status?: RunStatus;
  readonly error?: ApiError;
  readonly connection: Connection;
  readonly layout?: GraphLayout;
  readonly layoutError?: ApiError;
}

interface StoredFlow {
  readonly uri: string;
  readonly version: number;
  readonly spec: FlowSpec;
}

const layouts = new Map<string, Promise<GraphLayout>>();

/** The layout of one flow version, computed at most once per page load. */
export function flowLayout(uri: string, version: number): Promise<GraphLayout> {
  const key = `${uri}@${version}`;
  let found = layouts.get(key);
  if (!found) {
    found = api<StoredFlow>(`/flows/${uri}?version=${version}`).then((flow) => {
      const start = performance.now();
      const layout = layoutGraph(graphOfSpec(flow.spec));
      performance.measure('coflow:layout', { start, end: performance.now(), detail: { jobs: layout.jobs.length } });
      return layout;
    });
    found.catch(() => layouts.delete(key));
    layouts.set(key, found);
  }
  return found;
}

/** Marks a status event as received; {@link markApplied} measures from here to the next frame after it was drawn. */
let pendingMark: number | undefined;
export function markApplied(): void {
  if (pendingMark === undefined) return;
  const start = pendingMark;
  pendingMark = undefined;
  requestAnimationFrame(() => performance.measure('coflow:status', { start, end: performance.now() }));
}

export function useRun(runPath: string): RunView {
  const [view, setView] = useState<RunView>({ connection: 'connecting' });
  useEffect(() => {
    let gone = false;
    let stream: { close(): void } | undefined;
    const set = (patch: Partial<RunView>) => {
      if (!gone) setView((v) => ({ ...v, ...patch }));
    };
    setView({ connection: 'connecting' });
    api<RunStatus>(`/runs/${runPath}`).then(
      (status) => {
        set({ status });
        flowLayout(status.flowUri, status.flowVersion).then((layout) => set({ layout }), (layoutError: ApiError) => set({ layoutError }));
        if (!isTicking(status)) return set({ connection: 'ended' });
        stream = follow(`/api/v1/runs/${runPath}/events`, {
          on: {
            status: (data) => {
              pendingMark = performance.now();
              set({ status: data as RunStatus, connection: 'live' });
            },
          },
          onEnd: () => set({ connection: 'ended' }),
          onConnection: (up) => set({ connection: up ? 'live' : 'reconnecting' }),
        });
      },
      (error: ApiError) => set({ error, connection: 'ended' }),
    );
    return () => {
      gone = true;
      stream?.close();
    };
  }, [runPath]);
  return view;
}
