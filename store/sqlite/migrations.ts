/**
 * The embedded store's schema, as numbered migrations applied in order and
 * recorded in `schema_version`. Migration 1 is the schema coflow had before
 * migrations existed (hence IF NOT EXISTS): data directories made by earlier
 * builds open unchanged. Never edit a released migration; add the next one.
 */
import type { DatabaseSync } from 'node:sqlite';
import { SchemaTooNewError } from '../errors.ts';
import { inTransaction } from './transaction.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'flows, run numbers, deliveries, logs, callbacks, secrets',
    sql: `
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
CREATE TABLE IF NOT EXISTS callbacks (
  token_hash TEXT PRIMARY KEY, task_token BLOB NOT NULL, run_id TEXT NOT NULL, job_path TEXT NOT NULL,
  attempt INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, iv BLOB NOT NULL, data BLOB NOT NULL, tag BLOB NOT NULL, updated_at TEXT NOT NULL);
`,
  },
  {
    version: 2,
    name: 'logs of one job in cursor order',
    sql: 'CREATE INDEX IF NOT EXISTS logs_by_job ON logs (run_id, job_path, id);',
  },
];

/** Applies the migrations `db` lacks, in one transaction; returns the version it is at. */
export function migrate(db: DatabaseSync, where: string, migrations: readonly Migration[] = SQLITE_MIGRATIONS): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const known = migrations.at(-1)?.version ?? 0;
  return inTransaction(db, () => {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > known) throw new SchemaTooNewError(where, current, known);
    const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }
    return known;
  });
}
