/** Claims made by several processes at once on one PostgreSQL database: numbers, deliveries, callback tokens, flow versions. */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openStore } from '../../store/open-store.ts';
import { claimAtOnce } from '../support/claimers.ts';
import { createTestDatabase, migratedSchema, type TestDatabase } from './support/postgres.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(inject('postgresUrl'));
});
afterAll(async () => {
  await database.drop();
});

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i + 1);

describe('claims from several processes on one PostgreSQL database', () => {
  it('gives distinct, gap-free numbers, one fresh claim per delivery, one claimed token and one flow version', async () => {
    const place = await migratedSchema(database.url);
    const setup = await openStore(place.config);
    await setup.registerCallback('token-1', { taskToken: new Uint8Array([1]), runId: 'team/app/build#1', jobPath: 's.a.j', attempt: 1 }, new Date(Date.now() + 3600_000));
    await setup.close();

    const processes = 6;
    const rounds = 40;
    const results = await claimAtOnce(place.config, processes, rounds);

    const claims = results.flatMap((r) => r.claims);
    const fresh = claims.filter((c) => c.fresh);
    const keys = range(6).map((i) => `delivery-${i}`);
    expect(fresh.map((c) => c.key).sort()).toEqual(keys);
    for (const key of keys) expect(new Set(claims.filter((c) => c.key === key).map((c) => c.number)).size).toBe(1);
    const numbers = [...results.flatMap((r) => r.starts), ...fresh.map((c) => c.number)].sort((a, b) => a - b);
    expect(numbers).toEqual(range(processes * rounds + keys.length));

    const callbacks = results.flatMap((r) => r.callbacks);
    expect(callbacks.filter((c) => c === 'claimed')).toHaveLength(1);
    expect(callbacks.filter((c) => c === 'used')).toHaveLength(processes * 5 - 1);
    expect(results.flatMap((r) => r.applied).filter(Boolean)).toHaveLength(1);

    const check = await place.open();
    expect(await check.flowVersions('team/app/build')).toHaveLength(1);
    await check.close();
    await place.destroy();
  }, 120_000);
});
