/** Job logs in the embedded store: one row per line, keyed by (run, job, attempt, seq); the row id is the cursor. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LogStream } from '../../contracts/logs.ts';
import { pollLogs } from '../follow-logs.ts';
import { LogBell } from '../log-bell.ts';
import type { LogStore } from '../store.ts';
import { settle } from './settle.ts';
import { inTransaction } from './transaction.ts';

interface LogRow { id: number; job_path: string; attempt: number; seq: number; ts: number; stream: string; text: string }

/** Rows per INSERT statement: one statement stores a whole batch of the log batcher (7 parameters a row, far below SQLite's limit). */
const ROWS_PER_STATEMENT = 200;

export function sqliteLogs(db: DatabaseSync): LogStore {
  // One prepared multi-row statement per row count, made when first needed.
  const inserts = new Map<number, StatementSync>();
  const insertOf = (rows: number): StatementSync => {
    let statement = inserts.get(rows);
    if (statement === undefined) {
      statement = db.prepare(`INSERT OR IGNORE INTO logs (run_id, job_path, attempt, seq, ts, stream, text) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
      inserts.set(rows, statement);
    }
    return statement;
  };
  const countLog = db.prepare('SELECT COUNT(*) AS n FROM logs WHERE run_id = ? AND job_path = ? AND attempt = ?');
  const ofRun = db.prepare('SELECT * FROM logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?');
  const ofJob = db.prepare('SELECT * FROM logs WHERE run_id = ? AND job_path = ? AND id > ? ORDER BY id LIMIT ?');

  // Wakes this process's followers of a run once its lines are committed.
  const bell = new LogBell();

  const store: LogStore = {
    appendLogs: (runId, jobPath, attempt, fromSeq, lines) => settle(() => {
      if (lines.length === 0) return;
      inTransaction(db, () => {
        for (let from = 0; from < lines.length; from += ROWS_PER_STATEMENT) {
          const chunk = lines.slice(from, from + ROWS_PER_STATEMENT);
          insertOf(chunk.length).run(...chunk.flatMap((l, i) => [runId, jobPath, attempt, fromSeq + from + i, l.ts, l.stream, l.text]));
        }
      });
      bell.ring(runId);
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
    followLogs: (query, options) => pollLogs((q) => store.readLogs(q), query, options, bell),
  };
  return store;
}
