/**
 * A log follower on PostgreSQL wakes for lines another process's store
 * appended (NOTIFY on append, LISTEN while following), not at its next poll:
 * the production topology's API follows what its workers write.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { StoredLogLine } from '../../contracts/logs.ts';
import type { Store } from '../../store/store.ts';
import { RUN, drain, logLines, texts, until } from '../support/store-fixtures.ts';
import { createTestDatabase, migratedSchema, type TestDatabase } from './support/postgres.ts';

let database: TestDatabase;
const opened: Store[] = [];
beforeAll(async () => {
  database = await createTestDatabase(inject('postgresUrl'));
});
afterAll(async () => {
  for (const store of opened) await store.close();
  await database.drop();
});

it('wakes a follower for lines appended through another store handle, not at its next poll', async () => {
  const place = await migratedSchema(database.url);
  const reader = await place.open();
  const writer = await place.open();
  opened.push(reader, writer);
  await writer.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one'));
  const abort = new AbortController();
  const seen: StoredLogLine[] = [];
  // A minute between polls: only a notification can deliver a later line before the loop gives up.
  const following = drain(reader.followLogs({ runId: RUN }, { ended: () => Promise.resolve(false), signal: abort.signal, pollMs: 60_000 }), seen);
  await until(() => seen.length === 1);
  // The follower starts listening as it subscribes; lines appended before LISTEN took effect wait for the poll, so keep appending.
  let seq = 2;
  for (const deadline = Date.now() + 10_000; seen.length < 2 && Date.now() < deadline; seq++) {
    await writer.appendLogs(RUN, 'b.a.j', 1, seq, logLines(`line ${seq}`));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  abort.abort();
  await following;
  expect(seen.length).toBeGreaterThanOrEqual(2);
  expect(texts(seen)).toEqual(['one', ...Array.from({ length: seen.length - 1 }, (_, i) => `line ${i + 2}`)]);
});
