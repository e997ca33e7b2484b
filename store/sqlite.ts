/**
 * The embedded store: one SQLite file in the data directory (node:sqlite),
 * in WAL mode so a worker and an API process can share it.
 */
import { DatabaseSync } from 'node:sqlite';
import type { FlowSpec } from '../flow/model.ts';
import type { LogStream } from '../activities/runner.ts';
import type { LogPage, LogQuery, NewLogLine, Store, StoredFlow } from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS flows (
  uri TEXT NOT NULL, version INTEGER NOT NULL, source TEXT NOT NULL,
  spec TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (uri, version));
CREATE TABLE IF NOT EXISTS run_numbers (uri TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (uri TEXT NOT NULL, key TEXT NOT NULL, number INTEGER NOT NULL, PRIMARY KEY (uri, key));
CREATE TABLE IF NOT EXISTS logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL, job_path TEXT NOT NULL, attempt INTEGER NOT NULL, seq INTEGER NOT NULL,
  ts INTEGER NOT NULL, stream TEXT NOT NULL, text TEXT NOT NULL,
  UNIQUE (run_id, job_path, attempt, seq));
CREATE INDEX IF NOT EXISTS logs_by_run ON logs (run_id, id);
`;

interface FlowRow { uri: string; version: number; source: string; spec: string; created_at: string }
interface LogRow { id: number; job_path: string; attempt: number; seq: number; ts: number; stream: string; text: string }

function toFlow(row: FlowRow): StoredFlow {
  return { uri: row.uri, version: row.version, source: row.source, spec: JSON.parse(row.spec) as FlowSpec, createdAt: row.created_at };
}

/** Opens (and creates when missing) the embedded store at `file`. */
export function openSqliteStore(file: string): Store {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
  db.exec(SCHEMA);

  const latestFlow = db.prepare('SELECT * FROM flows WHERE uri = ? ORDER BY version DESC LIMIT 1');
  const flowAt = db.prepare('SELECT * FROM flows WHERE uri = ? AND version = ?');
  const insertFlow = db.prepare('INSERT INTO flows (uri, version, source, spec, created_at) VALUES (?, ?, ?, ?, ?)');
  const allLatest = db.prepare(
    'SELECT f.* FROM flows f JOIN (SELECT uri, MAX(version) v FROM flows GROUP BY uri) m ON f.uri = m.uri AND f.version = m.v ORDER BY f.uri');
  const bumpRun = db.prepare(
    'INSERT INTO run_numbers (uri, last) VALUES (?, 1) ON CONFLICT (uri) DO UPDATE SET last = last + 1 RETURNING last');
  const insertLog = db.prepare(
    'INSERT OR IGNORE INTO logs (run_id, job_path, attempt, seq, ts, stream, text) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const versionsOf = db.prepare('SELECT version, created_at FROM flows WHERE uri = ? ORDER BY version');
  const deliveryNumber = db.prepare('SELECT number FROM deliveries WHERE uri = ? AND key = ?');
  const insertDelivery = db.prepare('INSERT INTO deliveries (uri, key, number) VALUES (?, ?, ?)');
  const one = db.prepare('SELECT 1 AS ok');
  const countLog = db.prepare('SELECT COUNT(*) AS n FROM logs WHERE run_id = ? AND job_path = ? AND attempt = ?');

  return {
    applyFlow(spec: FlowSpec, source: string) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const latest = latestFlow.get(spec.uri) as FlowRow | undefined;
        if (latest && latest.source === source) {
          db.exec('COMMIT');
          return { flow: toFlow(latest), created: false };
        }
        const version = (latest?.version ?? 0) + 1;
        const createdAt = new Date().toISOString();
        insertFlow.run(spec.uri, version, source, JSON.stringify(spec), createdAt);
        db.exec('COMMIT');
        return { flow: { uri: spec.uri, version, source, spec, createdAt }, created: true };
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    getFlow(uri: string, version?: number) {
      const row = (version === undefined ? latestFlow.get(uri) : flowAt.get(uri, version)) as FlowRow | undefined;
      return row ? toFlow(row) : undefined;
    },
    listFlows() {
      return (allLatest.all() as unknown as FlowRow[]).map(toFlow);
    },
    flowVersions(uri: string) {
      return (versionsOf.all(uri) as unknown as { version: number; created_at: string }[]).map((r) => ({ version: r.version, createdAt: r.created_at }));
    },
    nextRunNumber(uri: string) {
      return (bumpRun.get(uri) as { last: number }).last;
    },
    claimRunNumber(uri: string, key: string) {
      // IMMEDIATE: the read and the allocation are one step across processes sharing the file.
      db.exec('BEGIN IMMEDIATE');
      try {
        const known = deliveryNumber.get(uri, key) as { number: number } | undefined;
        if (known) {
          db.exec('COMMIT');
          return { number: known.number, fresh: false };
        }
        const number = (bumpRun.get(uri) as { last: number }).last;
        insertDelivery.run(uri, key, number);
        db.exec('COMMIT');
        return { number, fresh: true };
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    ping() {
      one.get();
    },
    appendLogs(runId: string, jobPath: string, attempt: number, fromSeq: number, lines: readonly NewLogLine[]) {
      if (lines.length === 0) return;
      db.exec('BEGIN');
      try {
        lines.forEach((l, i) => insertLog.run(runId, jobPath, attempt, fromSeq + i, l.ts, l.stream, l.text));
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    countLogs(runId: string, jobPath: string, attempt: number) {
      return (countLog.get(runId, jobPath, attempt) as { n: number }).n;
    },
    readLogs(query: LogQuery): LogPage {
      const limit = Math.min(Math.max(query.limit ?? 1000, 1), 10_000);
      const after = query.after ?? 0;
      const rows = (query.jobPath === undefined
        ? db.prepare('SELECT * FROM logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?').all(query.runId, after, limit)
        : db.prepare('SELECT * FROM logs WHERE run_id = ? AND job_path = ? AND id > ? ORDER BY id LIMIT ?')
            .all(query.runId, query.jobPath, after, limit)) as unknown as LogRow[];
      return {
        lines: rows.map((r) => ({ cursor: r.id, seq: r.seq, jobPath: r.job_path, attempt: r.attempt, ts: r.ts, stream: r.stream as LogStream, text: r.text })),
        next: rows.length > 0 ? rows[rows.length - 1]!.id : after,
      };
    },
    close() {
      db.close();
    },
  };
}
