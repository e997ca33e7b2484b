/**
 * What the production tier's test files share: a database of their own on
 * the tier's server, a fresh schema in it per store, raw SQL beside the
 * store, and a server of their own that a test may stop and start.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import type { StorePlace } from '../../support/store-suite.ts';
import { migrateStore, openStore, type PostgresStoreConfig } from '../../../store/open-store.ts';
import { repoRoot } from '../../support/paths.ts';

/** Runs one statement on `url` through a connection of its own; returns the rows. */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** `url` pointing at another database, or with a search path (libpq's `options`). */
export function urlWith(url: string, change: { database?: string; searchPath?: string }): string {
  const parsed = new URL(url);
  if (change.database !== undefined) parsed.pathname = `/${change.database}`;
  if (change.searchPath !== undefined) parsed.searchParams.set('options', `-c search_path=${change.searchPath}`);
  return parsed.toString();
}

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the server of `serverUrl`; `drop()` removes it (closing what is still connected). */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `coflow_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await sql(serverUrl, `CREATE DATABASE ${name}`);
  return {
    url: urlWith(serverUrl, { database: name }),
    drop: async () => void (await sql(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** A fresh schema in the database of `url`, migrated; each store opened on it is another process's view (the suite's place). */
export async function migratedSchema(url: string, options: Omit<PostgresStoreConfig, 'kind' | 'url'> = {}): Promise<StorePlace & { config: PostgresStoreConfig; schema: string }> {
  const schema = `store_${randomBytes(4).toString('hex')}`;
  await sql(url, `CREATE SCHEMA ${schema}`);
  const config: PostgresStoreConfig = { kind: 'postgres', url: urlWith(url, { searchPath: schema }), ...options };
  await migrateStore(config);
  return {
    config,
    schema,
    open: () => openStore(config),
    destroy: async () => void (await sql(url, `DROP SCHEMA ${schema} CASCADE`)),
  };
}

/** A PostgreSQL server of one test file's own (scripts/postgres.sh on `port`), so stopping it disturbs no other file. */
export function ownServer(port: number): { readonly url: string; start(): string; stop(): void } {
  const script = join(repoRoot, 'scripts/postgres.sh');
  const run = (verb: string): string => execFileSync('bash', [script, verb, String(port)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return { url: run('url'), start: () => run('start'), stop: () => void run('stop') };
}
