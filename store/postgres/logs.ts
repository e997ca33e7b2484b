/**
 * Job logs in PostgreSQL: one row per line, keyed by (run, job, attempt,
 * seq); the identity column `id` is the cursor.
 *
 * A follower reads "lines after cursor c" and must never miss one, so for
 * each run, ids must become visible in id order. Identity values are taken
 * when a row is inserted but become visible when its transaction commits,
 * and two appends to one run could commit the other way round. So an append
 * holds a per-run advisory lock from before its first id until its commit:
 * appends to one run take turns (appends to different runs do not), and a
 * run's ids are committed in order.
 */
import type { LogStream } from '../../contracts/logs.ts';
import { pollLogs } from '../follow-logs.ts';
import { LogBell } from '../log-bell.ts';
import type { LogStore } from '../store.ts';
import type { Database } from './database.ts';
import { LOG_LOCK_CLASS } from './locks.ts';
import { LOG_CHANNEL, type LogListener } from './log-listener.ts';

interface LogRow { id: string; job_path: string; attempt: number; seq: number; ts: string; stream: string; text: string }

/**
 * One statement, so one round trip and its own transaction: the lock (a CTE
 * every output row depends on, so it is taken before the first id), the
 * notification other processes' followers wake on (delivered when the
 * statement commits: store/postgres/log-listener.ts), then the batch from
 * three arrays, in order, skipping seqs already stored.
 */
const APPEND = `
WITH run_lock AS (SELECT pg_advisory_xact_lock(${LOG_LOCK_CLASS}, hashtext($1))),
     notice AS (SELECT pg_notify('${LOG_CHANNEL}', $1))
INSERT INTO logs (run_id, job_path, attempt, seq, ts, stream, text)
SELECT $1, $2, $3, $4::integer + line.n - 1, line.ts, line.stream, line.text
FROM run_lock, notice, unnest($5::bigint[], $6::text[], $7::text[]) WITH ORDINALITY AS line (ts, stream, text, n)
ORDER BY line.n
ON CONFLICT (run_id, job_path, attempt, seq) DO NOTHING`;

const COLUMNS = 'id, job_path, attempt, seq, ts, stream, text';

export function postgresLogs(db: Database, listener?: LogListener): LogStore {
  // Wakes this process's followers of a run once its lines are committed; with a listener, other processes' appends too.
  const bell = new LogBell((active) => listener?.setActive(active));
  listener?.ring(bell);
  const store: LogStore = {
    async appendLogs(runId, jobPath, attempt, fromSeq, lines) {
      if (lines.length === 0) return;
      // Safe to repeat after a lost reply: the seqs it stored are skipped.
      await db.query(APPEND, [runId, jobPath, attempt, fromSeq, lines.map((l) => l.ts), lines.map((l) => l.stream), lines.map((l) => l.text)]);
      bell.ring(runId);
    },
    async countLogs(runId, jobPath, attempt) {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM logs WHERE run_id = $1 AND job_path = $2 AND attempt = $3', [runId, jobPath, attempt]);
      return row?.n ?? 0;
    },
    async readLogs(query) {
      const limit = Math.min(Math.max(query.limit ?? 1000, 1), 10_000);
      const after = query.after ?? 0;
      const rows = query.jobPath === undefined
        ? await db.query<LogRow>(`SELECT ${COLUMNS} FROM logs WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [query.runId, after, limit])
        : await db.query<LogRow>(`SELECT ${COLUMNS} FROM logs WHERE run_id = $1 AND job_path = $2 AND id > $3 ORDER BY id LIMIT $4`, [query.runId, query.jobPath, after, limit]);
      const lines = rows.map((r) => ({ cursor: Number(r.id), seq: r.seq, jobPath: r.job_path, attempt: r.attempt, ts: Number(r.ts), stream: r.stream as LogStream, text: r.text }));
      return { lines, next: lines.at(-1)?.cursor ?? after };
    },
    followLogs: (query, options) => pollLogs((q) => store.readLogs(q), query, options, bell),
  };
  return store;
}
