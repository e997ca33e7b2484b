/**
 * The PostgreSQL store, for several servers sharing one database. Opening it
 * checks the schema and refuses one this build cannot run on (the error
 * says whether to run `coflow migrate` or to upgrade coflow); it never
 * migrates by itself: `migratePostgresStore` does, when asked.
 */
import { checkSchema, type MigrationReport } from '../schema.ts';
import type { Store } from '../store.ts';
import { postgresCallbacks } from './callbacks.ts';
import { Database } from './database.ts';
import { postgresDeployments } from './deployments.ts';
import { postgresEnvironments } from './environments.ts';
import { postgresFlows } from './flows.ts';
import { postgresIncidents } from './incidents.ts';
import { LogListener } from './log-listener.ts';
import { postgresLogs } from './logs.ts';
import { migratePostgres, readSchemaState } from './migrations.ts';
import { postgresOptions, type PostgresStoreConfig } from './options.ts';
import { postgresSecrets } from './secrets.ts';
import { postgresSessions } from './sessions.ts';

/** Opens the store on an already migrated database; waits out an outage at start-up like any call. */
export async function openPostgresStore(config: PostgresStoreConfig): Promise<Store> {
  const options = postgresOptions(config);
  const db = new Database(options);
  try {
    checkSchema(options.where, await readSchemaState(db));
  } catch (err) {
    await db.close();
    throw err;
  }
  const listener = new LogListener(options.url);
  return {
    kind: 'postgres',
    ...postgresFlows(db),
    ...postgresLogs(db, listener),
    ...postgresCallbacks(db),
    ...postgresSecrets(db),
    ...postgresSessions(db),
    ...postgresEnvironments(db),
    ...postgresDeployments(db),
    ...postgresIncidents(db),
    async schemaVersion() {
      return (await readSchemaState(db)).version;
    },
    ping: () => db.ping(),
    close: () => {
      listener.close();
      return db.close();
    },
  };
}

/** Brings the database to the schema this build knows; safe to run from several processes at once. */
export async function migratePostgresStore(config: PostgresStoreConfig): Promise<MigrationReport> {
  const options = postgresOptions(config);
  const db = new Database(options);
  try {
    return await migratePostgres(db, options.where);
  } finally {
    await db.close();
  }
}
