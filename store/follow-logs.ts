/**
 * Following a run's log by polling the store: every backend can use it (a
 * backend with change notifications may do better). Reads whole pages while
 * lines keep coming, waits `pollMs` when none do — or until the store's bell
 * rings for the run (lines appended through the same store object) — and
 * ends once the run ended and one last read found nothing more.
 */
import type { LogPage, LogQuery, StoredLogLine } from '../contracts/logs.ts';
import { LogBell } from './log-bell.ts';
import type { FollowOptions } from './store.ts';

const PAGE = 500;

export async function* pollLogs(
  read: (query: LogQuery) => Promise<LogPage>,
  query: Omit<LogQuery, 'limit'>,
  options: FollowOptions,
  bell: LogBell = new LogBell(),
): AsyncGenerator<StoredLogLine> {
  const { ended, signal, pollMs = 250 } = options;
  let after = query.after ?? 0;
  // Before the first read: an append between a read and the wait wakes the wait.
  const waiter = bell.subscribe(query.runId);
  try {
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
      await waiter.wait(pollMs, signal);
    }
  } finally {
    waiter.close();
  }
}
