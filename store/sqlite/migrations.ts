/**
 * The embedded store's SQL for each schema step (store/schema.ts), applied
 * when the store is opened and recorded in `schema_version`. Step 1 is the
 * schema coflow had before migrations existed (hence IF NOT EXISTS): data
 * directories made by earlier builds open unchanged. Never edit a released
 * step; add the next one.
 */
import type { DatabaseSync } from 'node:sqlite';
import { checkSchema, migrationsFor, pendingMigrations, type Migration, type MigrationReport, type SchemaState } from '../schema.ts';
import { inTransaction } from './transaction.ts';

export const SQLITE_MIGRATIONS: readonly Migration[] = migrationsFor('sqlite', {
  1: `
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
  2: 'CREATE INDEX IF NOT EXISTS logs_by_job ON logs (run_id, job_path, id);',
  3: `
CREATE TABLE revoked_sessions (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE revoked_user_sessions (user TEXT PRIMARY KEY, before INTEGER NOT NULL, expires_at INTEGER NOT NULL);
`,
  // Times are ISO 8601 UTC text (toISOString), so text order is time order. Lists (images, commits) are JSON.
  4: `
CREATE TABLE environments (
  namespace TEXT NOT NULL, version INTEGER NOT NULL, source TEXT NOT NULL, spec TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (namespace, version));
CREATE TABLE deployments (
  id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE,
  namespace TEXT NOT NULL, environment TEXT NOT NULL, application TEXT NOT NULL, kind TEXT NOT NULL,
  flow_uri TEXT, run_id TEXT, job_path TEXT, attempt INTEGER, commit_sha TEXT, branch TEXT, repo TEXT,
  images TEXT NOT NULL, user_name TEXT, strategy TEXT, manifest TEXT, manifest_digest TEXT,
  started_at TEXT NOT NULL, finished_at TEXT, result TEXT NOT NULL, reason TEXT,
  rollback_of INTEGER REFERENCES deployments (id), restores INTEGER REFERENCES deployments (id), commits TEXT NOT NULL);
CREATE INDEX deployments_by_pair ON deployments (namespace, environment, application, id);
CREATE INDEX deployments_by_start ON deployments (started_at);
CREATE TABLE deploy_queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, holder TEXT NOT NULL, workflow_id TEXT NOT NULL, since TEXT NOT NULL,
  UNIQUE (key, holder));
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, environment TEXT NOT NULL, application TEXT,
  deployment_id INTEGER REFERENCES deployments (id), title TEXT NOT NULL, source TEXT NOT NULL, external_key TEXT,
  opened_at TEXT NOT NULL, resolved_at TEXT, opened_by TEXT);
CREATE UNIQUE INDEX incidents_open_by_key ON incidents (namespace, external_key) WHERE resolved_at IS NULL AND external_key IS NOT NULL;
CREATE INDEX incidents_by_opening ON incidents (namespace, environment, opened_at);
`,
});

/**
 * Brings `db` to the newest step this build knows, in one write transaction
 * (so processes opening one file at once apply each step once), or refuses a
 * newer schema it cannot run on. A newer schema it can run on stays as it is.
 */
export function migrate(db: DatabaseSync, where: string, migrations: readonly Migration[] = SQLITE_MIGRATIONS): MigrationReport {
  const known = migrations.at(-1)?.version ?? 0;
  return inTransaction(db, () => {
    recordOldestCode(db, migrations);
    const state = schemaState(db);
    if (state.version >= known) {
      checkSchema(where, state, known);
      return { from: state.version, to: state.version, applied: [] };
    }
    const record = db.prepare('INSERT INTO schema_version (version, name, applied_at, oldest_code) VALUES (?, ?, ?, ?)');
    const applied = pendingMigrations(migrations, state.version);
    for (const m of applied) {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString(), m.oldestCode);
    }
    return { from: state.version, to: known, applied: applied.map(({ version, name, oldestCode }) => ({ version, name, oldestCode })) };
  });
}

/** The highest applied step and the oldest code the applied steps allow (a step recorded without it allows only itself). */
export function schemaState(db: DatabaseSync): SchemaState {
  const row = db.prepare('SELECT MAX(version) AS v, MAX(COALESCE(oldest_code, version)) AS o FROM schema_version').get() as { v: number | null; o: number | null };
  return { version: row.v ?? 0, oldestCode: row.o ?? 0 };
}

/**
 * `schema_version` with its `oldest_code` column. Files made before the
 * column existed get it, filled in for the steps this build knows.
 */
function recordOldestCode(db: DatabaseSync, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, oldest_code INTEGER)');
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('schema_version') as { name: string }[];
  if (columns.some((c) => c.name === 'oldest_code')) return;
  db.exec('ALTER TABLE schema_version ADD COLUMN oldest_code INTEGER');
  const fill = db.prepare('UPDATE schema_version SET oldest_code = ? WHERE version = ?');
  for (const m of migrations) fill.run(m.oldestCode, m.version);
}
