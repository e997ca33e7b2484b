/**
 * Chooses the store once, at start-up, from the configuration (as
 * worker/runner-factory.ts chooses the runner), and migrates it when asked.
 */
import type { PostgresStoreConfig } from './postgres/options.ts';
import { migratePostgresStore, openPostgresStore } from './postgres/postgres-store.ts';
import type { MigrationReport } from './schema.ts';
import { migrateSqliteStore, openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export type { PostgresStoreConfig } from './postgres/options.ts';
export type { MigrationReport } from './schema.ts';

/** The embedded SQLite file: one machine. It migrates itself when opened. */
export interface SqliteStoreConfig {
  readonly kind: 'sqlite';
  readonly file: string;
}

/** Where coflow keeps its data: the embedded file, or PostgreSQL for several servers. */
export type StoreConfig = SqliteStoreConfig | PostgresStoreConfig;

/** Opens the configured store; a PostgreSQL schema it cannot run on is refused (SchemaTooOldError, SchemaTooNewError). */
export function openStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore(config.file);
    case 'postgres':
      return openPostgresStore(config);
  }
}

/** Brings the store's schema to the version this build knows (`coflow migrate`); safe when several run at once. */
export function migrateStore(config: StoreConfig): Promise<MigrationReport> {
  switch (config.kind) {
    case 'sqlite':
      return migrateSqliteStore(config.file);
    case 'postgres':
      return migratePostgresStore(config);
  }
}
