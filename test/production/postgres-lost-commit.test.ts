/**
 * The connection to PostgreSQL cut while a claim's COMMIT is on its way: the
 * server commits, the reply never arrives. Running the claim again would
 * burn a number or call the caller's own delivery a redelivery; the store
 * looks the transaction up (txid_status) and returns what committed.
 * A deferred trigger makes COMMIT take half a second, so the cut lands inside it.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openStore } from '../../store/open-store.ts';
import { cuttingProxy, type CuttingProxy } from './support/cutting-proxy.ts';
import { createTestDatabase, migratedSchema, sql, urlWith, type TestDatabase } from './support/postgres.ts';

let database: TestDatabase;
let proxy: CuttingProxy;
beforeAll(async () => {
  database = await createTestDatabase(inject('postgresUrl'));
  proxy = await cuttingProxy(database.url);
});
afterAll(async () => {
  await proxy.close();
  await database.drop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes every COMMIT that changed `table` in `schema` take `seconds` (a deferred constraint trigger runs at COMMIT). */
async function slowCommits(schema: string, table: string, seconds: number): Promise<void> {
  await sql(database.url, `CREATE FUNCTION ${schema}.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(${seconds}); RETURN NULL; END $$`);
  await sql(database.url, `CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT OR UPDATE ON ${schema}.${table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${schema}.slow_commit()`);
}

describe('a connection lost during COMMIT', () => {
  it('returns a delivery claim that committed to its caller as fresh, and burns no run number', async () => {
    const place = await migratedSchema(database.url);
    await slowCommits(place.schema, 'deliveries', 0.5);
    const store = await openStore({ kind: 'postgres', url: urlWith(proxy.url, { searchPath: place.schema }) });
    const claim = store.claimRunNumber('team/app/build', 'delivery-1');
    await sleep(250);
    proxy.cut();
    expect(await claim).toEqual({ number: 1, fresh: true });
    expect(await store.claimRunNumber('team/app/build', 'delivery-1')).toEqual({ number: 1, fresh: false });
    expect(await store.nextRunNumber('team/app/build')).toBe(2);
    await store.close();
    await place.destroy();
  });

  it('returns the run number that committed instead of taking another', async () => {
    const place = await migratedSchema(database.url);
    await slowCommits(place.schema, 'run_numbers', 0.5);
    const store = await openStore({ kind: 'postgres', url: urlWith(proxy.url, { searchPath: place.schema }) });
    const next = store.nextRunNumber('team/app/build');
    await sleep(250);
    proxy.cut();
    expect(await next).toBe(1);
    expect(await sql(database.url, `SELECT last FROM ${place.schema}.run_numbers`)).toEqual([{ last: 1 }]);
    await store.close();
    await place.destroy();
  });
});
