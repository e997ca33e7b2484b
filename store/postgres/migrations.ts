/**
 * The PostgreSQL store's SQL for each schema step (store/schema.ts). Unlike
 * the embedded store, a PostgreSQL database is migrated only when asked
 * (`coflow migrate` → `migrateStore`): processes that merely open it check
 * the schema and refuse one they cannot run on. Never edit a released step;
 * add the next one.
 */
import { checkSchema, migrationsFor, pendingMigrations, type Migration, type MigrationReport, type SchemaState } from '../schema.ts';
import type { Database, Queryable } from './database.ts';
import { MIGRATION_LOCK } from './locks.ts';

export const POSTGRES_MIGRATIONS: readonly Migration[] = migrationsFor('postgres', {
  // Keys that lists are sorted by are in the C collation: code-point order, whatever the database's default.
  1: `
CREATE TABLE flows (
  uri text COLLATE "C" NOT NULL, version integer NOT NULL, source text NOT NULL,
  spec text NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (uri, version));
CREATE TABLE run_numbers (uri text COLLATE "C" PRIMARY KEY, last integer NOT NULL);
CREATE TABLE deliveries (uri text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, number integer NOT NULL, PRIMARY KEY (uri, key));
CREATE TABLE logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text COLLATE "C" NOT NULL, job_path text COLLATE "C" NOT NULL, attempt integer NOT NULL, seq integer NOT NULL,
  ts bigint NOT NULL, stream text NOT NULL CHECK (stream IN ('stdout', 'stderr')), text text NOT NULL,
  UNIQUE (run_id, job_path, attempt, seq));
CREATE INDEX logs_by_run ON logs (run_id, id);
CREATE TABLE callbacks (
  token_hash text PRIMARY KEY, task_token bytea NOT NULL, run_id text NOT NULL, job_path text NOT NULL,
  attempt integer NOT NULL, expires_at timestamptz NOT NULL, used_at timestamptz);
CREATE TABLE secrets (
  name text COLLATE "C" PRIMARY KEY, iv bytea NOT NULL, data bytea NOT NULL, tag bytea NOT NULL, updated_at timestamptz NOT NULL);
`,
  2: 'CREATE INDEX logs_by_job ON logs (run_id, job_path, id);',
  3: `
CREATE TABLE revoked_sessions (id text PRIMARY KEY, expires_at timestamptz NOT NULL);
CREATE TABLE revoked_user_sessions (username text PRIMARY KEY, before timestamptz NOT NULL, expires_at timestamptz NOT NULL);
`,
  // Several servers write at once: idempotency is a unique key (deployments.key, one open incident per
  // external key), the queue's order an identity taken under a per-pair advisory lock (store/postgres/queue.ts).
  4: `
CREATE TABLE environments (
  namespace text COLLATE "C" NOT NULL, version integer NOT NULL, source text NOT NULL, spec text NOT NULL,
  created_at timestamptz NOT NULL, PRIMARY KEY (namespace, version));
CREATE TABLE deployments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key text NOT NULL UNIQUE,
  namespace text COLLATE "C" NOT NULL, environment text COLLATE "C" NOT NULL, application text COLLATE "C" NOT NULL,
  kind text NOT NULL CHECK (kind IN ('deploy', 'marked', 'rollback')),
  flow_uri text, run_id text, job_path text, attempt integer, commit_sha text, branch text, repo text,
  images jsonb NOT NULL, user_name text, strategy text, manifest text, manifest_digest text,
  started_at timestamptz NOT NULL, finished_at timestamptz,
  result text NOT NULL CHECK (result IN ('running', 'succeeded', 'failed', 'rolled back')), reason text,
  rollback_of integer REFERENCES deployments (id), restores integer REFERENCES deployments (id), commits jsonb NOT NULL);
CREATE INDEX deployments_by_pair ON deployments (namespace, environment, application, id);
CREATE INDEX deployments_by_start ON deployments (started_at);
CREATE TABLE deploy_queue (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key text NOT NULL, holder text NOT NULL, workflow_id text NOT NULL,
  since timestamptz NOT NULL, UNIQUE (key, holder));
CREATE TABLE incidents (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, namespace text COLLATE "C" NOT NULL, environment text COLLATE "C" NOT NULL,
  application text, deployment_id integer REFERENCES deployments (id), title text NOT NULL,
  source text NOT NULL CHECK (source IN ('api', 'alertmanager')), external_key text,
  opened_at timestamptz NOT NULL, resolved_at timestamptz, opened_by text);
CREATE UNIQUE INDEX incidents_open_by_key ON incidents (namespace, external_key) WHERE resolved_at IS NULL AND external_key IS NOT NULL;
CREATE INDEX incidents_by_opening ON incidents (namespace, environment, opened_at);
`,
});

const SCHEMA_VERSION_TABLE = `
CREATE TABLE IF NOT EXISTS schema_version (
  version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), oldest_code integer NOT NULL)`;

/** What `schema_version` says; version 0 for a database without it. */
export async function readSchemaState(db: Queryable): Promise<SchemaState> {
  const [table] = await db.query<{ present: boolean }>("SELECT to_regclass('schema_version') IS NOT NULL AS present");
  if (table?.present !== true) return { version: 0, oldestCode: 0 };
  const [row] = await db.query<{ v: number | null; o: number | null }>('SELECT MAX(version) AS v, MAX(oldest_code) AS o FROM schema_version');
  return { version: row?.v ?? 0, oldestCode: row?.o ?? 0 };
}

/**
 * Applies the steps the database lacks, each in its own transaction, under
 * an advisory lock: a second `coflow migrate` running at the same time waits,
 * then finds nothing left to do. Refuses a newer schema this build cannot
 * run on; leaves a newer one it can run on as it is.
 */
export function migratePostgres(db: Database, where: string, migrations: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<MigrationReport> {
  const known = migrations.at(-1)?.version ?? 0;
  // A failure drops the connection, and with it the lock and any open transaction.
  return db.session(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1, $2)', MIGRATION_LOCK);
    await conn.query(SCHEMA_VERSION_TABLE);
    const state = await readSchemaState(conn);
    if (state.version >= known) checkSchema(where, state, known);
    const applied = pendingMigrations(migrations, state.version);
    for (const m of applied) {
      await conn.query('BEGIN');
      await conn.query(m.sql);
      await conn.query('INSERT INTO schema_version (version, name, oldest_code) VALUES ($1, $2, $3)', [m.version, m.name, m.oldestCode]);
      await conn.query('COMMIT');
    }
    await conn.query('SELECT pg_advisory_unlock($1, $2)', MIGRATION_LOCK);
    const to = Math.max(state.version, known);
    return { from: state.version, to, applied: applied.map(({ version, name, oldestCode }) => ({ version, name, oldestCode })) };
  });
}
