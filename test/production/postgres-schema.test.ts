/**
 * The schema rules on PostgreSQL: only `migrateStore` changes the schema
 * (safely when several run at once); a process refuses a schema it cannot
 * run on and says what to run.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { SchemaTooNewError, SchemaTooOldError, StoreConfigError } from '../../store/errors.ts';
import { migrateStore, openStore, type PostgresStoreConfig } from '../../store/open-store.ts';
import { KNOWN_SCHEMA_VERSION as LATEST, SCHEMA_STEPS } from '../../store/schema.ts';
import { createTestDatabase, migratedSchema, sql, urlWith, type TestDatabase } from './support/postgres.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(inject('postgresUrl'));
});
afterAll(async () => {
  await database.drop();
});

/** An empty schema of its own, and a store config on it (with a password that messages must not show). */
async function emptySchema(): Promise<{ config: PostgresStoreConfig; schema: string }> {
  const schema = `empty_${randomBytes(4).toString('hex')}`;
  await sql(database.url, `CREATE SCHEMA ${schema}`);
  const url = new URL(urlWith(database.url, { searchPath: schema }));
  url.password = 'not-to-be-shown';
  return { config: { kind: 'postgres', url: url.toString() }, schema };
}

const recorded = (schema: string): Promise<{ version: number; name: string; oldest_code: number }[]> =>
  sql(database.url, `SELECT version, name, oldest_code FROM ${schema}.schema_version ORDER BY version`);

describe('migrating PostgreSQL', () => {
  it('applies every step once when several migrations run at once', async () => {
    const { config, schema } = await emptySchema();
    const reports = await Promise.all(Array.from({ length: 4 }, () => migrateStore(config)));
    expect(reports.filter((r) => r.applied.length > 0)).toEqual([{ from: 0, to: LATEST, applied: SCHEMA_STEPS }]);
    expect(reports.filter((r) => r.applied.length === 0)).toEqual(Array.from({ length: 3 }, () => ({ from: LATEST, to: LATEST, applied: [] })));
    expect(await recorded(schema)).toEqual(SCHEMA_STEPS.map((s) => ({ version: s.version, name: s.name, oldest_code: s.oldestCode })));
    const store = await openStore(config);
    expect(await store.schemaVersion()).toBe(LATEST);
    await store.close();
  });

  it('refuses to open a database without the schema, says to run coflow migrate, and creates nothing', async () => {
    const { config, schema } = await emptySchema();
    const err = await openStore(config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaTooOldError);
    expect(err).toMatchObject({ found: 0, needed: LATEST });
    const message = (err as Error).message;
    expect(message).toContain('has no coflow schema yet');
    expect(message).toContain('run `coflow migrate`');
    expect(message).toContain(new URL(database.url).pathname);
    expect(message).not.toContain('not-to-be-shown');
    expect(await sql(database.url, 'SELECT tablename FROM pg_tables WHERE schemaname = $1', [schema])).toEqual([]);
  });

  it('refuses a schema older than it needs until it is migrated, then runs on it with the data kept', async () => {
    const place = await migratedSchema(database.url);
    const store = await place.open();
    await store.appendLogs('team/app/build#1', 's.a.j', 1, 1, [{ ts: 1, stream: 'stdout', text: 'kept' }]);
    await store.close();
    // Back to step 1, as a database migrated by the release that knew only it.
    const { schema } = place;
    await sql(database.url, `DELETE FROM ${schema}.schema_version WHERE version > 1; DROP INDEX ${schema}.logs_by_job; DROP TABLE ${schema}.revoked_sessions, ${schema}.revoked_user_sessions; DROP TABLE ${schema}.environments, ${schema}.deployments, ${schema}.deploy_queue, ${schema}.incidents`);

    const err = await openStore(place.config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaTooOldError);
    expect((err as Error).message).toMatch(new RegExp(`is at schema version 1; this coflow needs schema version ${LATEST}: run \`coflow migrate\` first$`));
    expect(await migrateStore(place.config)).toEqual({ from: 1, to: LATEST, applied: SCHEMA_STEPS.slice(1) });
    const migrated = await place.open();
    expect((await migrated.readLogs({ runId: 'team/app/build#1', jobPath: 's.a.j' })).lines.map((l) => l.text)).toEqual(['kept']);
    await migrated.close();
    expect(await sql(database.url, "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'logs_by_%' ORDER BY 1", [schema]))
      .toEqual([{ indexname: 'logs_by_job' }, { indexname: 'logs_by_run' }]);
    await place.destroy();
  });

  it('refuses a newer schema a contract step made incompatible, says to upgrade coflow, and migrating leaves it alone', async () => {
    const place = await migratedSchema(database.url);
    const { schema } = place;
    await sql(database.url, `INSERT INTO ${schema}.schema_version (version, name, oldest_code) VALUES ($1, 'a contract step', $1)`, [LATEST + 1]);

    const err = await openStore(place.config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect(err).toMatchObject({ found: LATEST + 1, known: LATEST, needs: LATEST + 1 });
    expect((err as Error).message).toContain('upgrade coflow');
    await expect(migrateStore(place.config)).rejects.toBeInstanceOf(SchemaTooNewError);
    expect((await recorded(schema)).map((r) => r.version)).toEqual([...SCHEMA_STEPS.map((s) => s.version), LATEST + 1]);
    await place.destroy();
  });

  it('runs on a newer schema whose steps keep this release working (a rolling upgrade), and migrating changes nothing', async () => {
    const place = await migratedSchema(database.url);
    const { schema } = place;
    await sql(database.url, `ALTER TABLE ${schema}.logs ADD COLUMN host text`);
    await sql(database.url, `INSERT INTO ${schema}.schema_version (version, name, oldest_code) VALUES ($1, 'an expand step', $2)`, [LATEST + 1, LATEST]);
    const store = await place.open();
    expect(await store.schemaVersion()).toBe(LATEST + 1);
    await store.appendLogs('team/app/build#1', 's.a.j', 1, 1, [{ ts: 1, stream: 'stdout', text: 'still works' }]);
    expect(await store.countLogs('team/app/build#1', 's.a.j', 1)).toBe(1);
    await store.close();
    expect(await migrateStore(place.config)).toEqual({ from: LATEST + 1, to: LATEST + 1, applied: [] });
    await place.destroy();
  });

  it('rejects a configuration that cannot work, naming the field and never echoing the URL', async () => {
    const bad = async (config: Partial<PostgresStoreConfig>): Promise<unknown> =>
      openStore({ kind: 'postgres', url: database.url, ...config }).catch((e: unknown) => e);
    expect(await bad({ url: 'coflow:secret@db' })).toMatchObject({ name: 'StoreConfigError', field: 'url' });
    expect(((await bad({ url: 'not a url with s3cret' })) as Error).message).not.toContain('s3cret');
    expect(await bad({ url: 'mysql://db/coflow' })).toBeInstanceOf(StoreConfigError);
    expect(await bad({ outageBudgetMs: -1 })).toMatchObject({ field: 'outageBudgetMs' });
    expect(await bad({ poolSize: 0 })).toMatchObject({ field: 'poolSize' });
  });
});
