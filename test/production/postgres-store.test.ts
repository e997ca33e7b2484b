/** The shared store suite, unchanged, on PostgreSQL: a database for this file, a fresh schema per store. */
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { KNOWN_SCHEMA_VERSION } from '../../store/schema.ts';
import { storeSuite } from '../support/store-suite.ts';
import { createTestDatabase, migratedSchema, type TestDatabase } from './support/postgres.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(inject('postgresUrl'));
});
afterAll(async () => {
  await database.drop();
});

describe('the PostgreSQL store', () => {
  storeSuite({
    kind: 'postgres',
    latestSchemaVersion: KNOWN_SCHEMA_VERSION,
    create: () => migratedSchema(database.url),
  });
});
