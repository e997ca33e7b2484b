/**
 * Following a run's log by polling the store: every backend can use it (a
 * backend with change notifications may do better). Reads whole pages while
 * lines keep coming, waits `pollMs` when none do, and ends once the run ended
 * and one last read found nothing more.
 */
import type { LogPage, LogQuery, StoredLogLine } from '../contracts/logs.ts';
import type { FollowOptions } from './store.ts';

const PAGE = 500;

export async function* pollLogs(
  read: (query: LogQuery) => Promise<LogPage>,
  query: Omit<LogQuery, 'limit'>,
  options: FollowOptions,
): AsyncGenerator<StoredLogLine> {
  const { ended, signal, pollMs = 250 } = options;
  let after = query.after ?? 0;
  while (signal?.aborted !== true) {
    const page = await read({ ...query, after, limit: PAGE });
    yield* page.lines;
    after = page.next;
    if (page.lines.length > 0) continue;
    if (await ended()) {
      // Lines stored between the last read and the end: read until nothing is left.
      for (;;) {
        const tail = await read({ ...query, after, limit: PAGE });
        yield* tail.lines;
        after = tail.next;
        if (tail.lines.length < PAGE) return;
      }
    }
    await sleep(pollMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    // An abort that came while reading has fired already: it would never wake the timer.
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
