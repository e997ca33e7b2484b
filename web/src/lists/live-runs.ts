/**
 * Keeps a page of runs current. It is read once, then the first page follows
 * `GET /api/v1/runs/events` (SSE: the page again whenever it changes); a
 * later page is read again every few seconds with the same cursor — the
 * cursor is Temporal's keyset page token, so the rows stay put while their
 * states change.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, query } from '../api.ts';
import { follow } from '../sse.ts';
import type { RunFilters } from './run-filters.ts';
import type { RunSummary } from '../../../contracts/run-summary.ts';


export interface RunPage {
  readonly runs: readonly RunSummary[];
  readonly next: string | null;
}

export interface LiveRuns {
  readonly page?: RunPage;
  readonly error?: unknown;
  /** False while the live stream is reconnecting. */
  readonly connected: boolean;
}

/** How often a later page is read again. */
export const REFRESH_MS = 2000;

/** The runs of `filters` (one page of `limit` from `cursor`), kept live. */
export function useLiveRuns(filters: RunFilters, limit: number | undefined, cursor: string | undefined): LiveRuns {
  const [state, setState] = useState<LiveRuns>({ connected: true });
  const key = JSON.stringify([filters, limit, cursor]);
  useEffect(() => {
    setState({ connected: true });
    let stopped = false;
    let timer: ReturnType<typeof setInterval> | undefined;
    const q = { ...filters, limit };
    /** Reads the page once; false when the API refused it (4xx: asking again will not help). */
    const read = async (): Promise<boolean> => {
      try {
        const page = await api<RunPage>(`/runs${query({ ...q, cursor })}`);
        if (!stopped) setState({ page, connected: true });
        return true;
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error, connected: true }));
        return !(error instanceof ApiError && error.status >= 400 && error.status < 500);
      }
    };
    const poll = () => {
      timer = setInterval(() => void read().then((go) => { if (!go) clearInterval(timer); }), REFRESH_MS);
    };
    let stream: { close(): void } | undefined;
    // The first read is a plain GET: it paints at once, and a refused filter (400) shows as
    // the API's error instead of an EventSource retrying it.
    void read().then((go) => {
      if (!go || stopped) return;
      if (cursor !== undefined) return poll();
      stream = follow(`/api/v1/runs/events${query(q)}`, {
        on: {
          runs: (data) => setState({ page: data as RunPage, connected: true }),
          // Visibility unreadable for a moment: the server keeps trying; the last page stays shown with the reason.
          unavailable: (data) => setState((s) => ({ ...s, error: new ApiError(503, 'temporal_unavailable', (data as { message: string }).message), connected: true })),
        },
        onConnection: (connected) => setState((s) => ({ ...s, connected })),
      });
    });
    return () => { stopped = true; stream?.close(); clearInterval(timer); };
  }, [key]); // `key` stands for the three inputs
  return state;
}

/** `Date.now()`, re-rendering every `ms` while `active`. */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return now;
}
