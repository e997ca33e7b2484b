/** Job logs in the embedded store: one row per line, keyed by (run, job, attempt, seq); the row id is the cursor. */
import type { DatabaseSync } from 'node:sqlite';
import type { LogStream } from '../../contracts/logs.ts';
import { pollLogs } from '../follow-logs.ts';
import type { LogStore } from '../store.ts';
import { settle } from './settle.ts';
import { inTransaction } from './transaction.ts';

interface LogRow { id: number; job_path: string; attempt: number; seq: number; ts: number; stream: string; text: string }

export function sqliteLogs(db: DatabaseSync): LogStore {
  const insertLog = db.prepare(
    'INSERT OR IGNORE INTO logs (run_id, job_path, attempt, seq, ts, stream, text) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const countLog = db.prepare('SELECT COUNT(*) AS n FROM logs WHERE run_id = ? AND job_path = ? AND attempt = ?');
  const ofRun = db.prepare('SELECT * FROM logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?');
  const ofJob = db.prepare('SELECT * FROM logs WHERE run_id = ? AND job_path = ? AND id > ? ORDER BY id LIMIT ?');

  const store: LogStore = {
    appendLogs: (runId, jobPath, attempt, fromSeq, lines) => settle(() => {
      if (lines.length > 0) {
        inTransaction(db, () => lines.forEach((l, i) => insertLog.run(runId, jobPath, attempt, fromSeq + i, l.ts, l.stream, l.text)));
      }
    }),
    countLogs: (runId, jobPath, attempt) => settle(() => (countLog.get(runId, jobPath, attempt) as { n: number }).n),
    readLogs: (query) => settle(() => {
      const limit = Math.min(Math.max(query.limit ?? 1000, 1), 10_000);
      const after = query.after ?? 0;
      const rows = (query.jobPath === undefined
        ? ofRun.all(query.runId, after, limit)
        : ofJob.all(query.runId, query.jobPath, after, limit)) as unknown as LogRow[];
      return {
        lines: rows.map((r) => ({ cursor: r.id, seq: r.seq, jobPath: r.job_path, attempt: r.attempt, ts: r.ts, stream: r.stream as LogStream, text: r.text })),
        next: rows.length > 0 ? rows[rows.length - 1]!.id : after,
      };
    }),
    followLogs: (query, options) => pollLogs((q) => store.readLogs(q), query, options),
  };
  return store;
}
