/**
 * PostgreSQL going away while coflow works: stopped (fast shutdown: every
 * connection closed) for about five seconds while a job's log is appended
 * and followed and run numbers are claimed, then started again. Within the
 * outage budget nothing fails and no line is lost or stored twice; past a
 * short budget, calls fail with StoreUnavailableError. The server is this
 * file's own (the tier's port + 1), so stopping it disturbs no other file.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogBatcher } from '../../activities/log-batcher.ts';
import type { StoredLogLine } from '../../contracts/logs.ts';
import { StoreUnavailableError } from '../../store/errors.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { repoRoot } from '../support/paths.ts';
import { createTestDatabase, migratedSchema, type TestDatabase } from './support/postgres.ts';

const port = Number(process.env.COFLOW_PG_PORT ?? 55432) + 1;
const RUN = 'team/app/build#1';
const JOB = 's.a.j';

/** scripts/postgres.sh on this file's port, without blocking the event loop (the writers keep going meanwhile). */
async function server(verb: 'start' | 'stop'): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [join(repoRoot, 'scripts/postgres.sh'), verb, String(port)]);
  return stdout.trim();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(await server('start'));
}, 120_000);
afterAll(async () => {
  await server('start');
  await database.drop();
  await server('stop');
}, 120_000);

/** Appends lines through a LogBatcher as a runner would, one every `everyMs`, until stopped; notes the longest add(). */
function produce(store: Store, everyMs: number): { stop: () => Promise<number>; accepted: () => number; longestAddMs: () => number } {
  const batcher = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1, flushMs: 50, flushLines: 50, bufferLines: 500 });
  let stopped = false;
  let longest = 0;
  const running = (async () => {
    for (let i = 1; !stopped; i++) {
      const started = Date.now();
      await batcher.add({ ts: started, stream: 'stdout', text: `line ${i}` });
      longest = Math.max(longest, Date.now() - started);
      await sleep(everyMs);
    }
    await batcher.close();
    return batcher.count;
  })();
  return { stop: () => ((stopped = true), running), accepted: () => batcher.count, longestAddMs: () => longest };
}

describe('PostgreSQL stopped and started again', () => {
  it('fails nothing and loses or duplicates no line during an outage within the budget', async () => {
    const place = await migratedSchema(database.url);
    const [writer, reader, claimer] = [await place.open(), await place.open(), await place.open()];
    const producer = produce(writer, 2);
    let ended = false;
    const followed: StoredLogLine[] = [];
    const following = (async () => {
      for await (const line of reader.followLogs({ runId: RUN }, { pollMs: 50, ended: () => Promise.resolve(ended) })) followed.push(line);
    })();
    const numbers: number[] = [];
    let claiming = true;
    const claims = (async () => {
      while (claiming) {
        numbers.push(await claimer.nextRunNumber('team/app/build'));
        await sleep(100);
      }
    })();

    await sleep(1_000);
    const stopAt = Date.now();
    await server('stop');
    await sleep(5_000);
    const startAt = Date.now();
    await server('start');
    const upAt = Date.now();
    // The lines buffered during the outage reach the database.
    const buffered = producer.accepted();
    while ((await writer.countLogs(RUN, JOB, 1)) < buffered) await sleep(10);
    const caughtUpAt = Date.now();
    await sleep(1_000);
    const lines = await producer.stop();
    claiming = false;
    await claims;
    ended = true;
    await following;

    const stored = (await writer.readLogs({ runId: RUN, limit: 10_000 })).lines;
    const expected = Array.from({ length: lines }, (_, i) => `line ${i + 1}`);
    expect(stored.map((l) => l.text)).toEqual(expected);
    expect(stored.map((l) => l.seq)).toEqual(expected.map((_, i) => i + 1));
    expect(followed).toEqual(stored);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    console.log(`outage: server stopped for ${startAt - stopAt} ms, start took ${upAt - startAt} ms; the ${buffered} lines accepted by then ` +
      `were stored ${caughtUpAt - upAt} ms after it answered; longest add() ${producer.longestAddMs()} ms; ` +
      `${lines} lines stored once each, in order, and followed; ${numbers.length} run numbers, gap-free`);
    for (const store of [writer, reader, claimer]) await store.close();
    await place.destroy();
  }, 60_000);

  it('fails calls with StoreUnavailableError once an outage outlasts a short budget, and works again after', async () => {
    const place = await migratedSchema(database.url, { outageBudgetMs: 1_500 });
    const store = await place.open();
    await store.appendLogs(RUN, JOB, 1, 1, [{ ts: 1, stream: 'stdout', text: 'before' }]);
    await server('stop');
    try {
      const started = Date.now();
      const calls = [
        store.appendLogs(RUN, JOB, 1, 2, [{ ts: 2, stream: 'stdout', text: 'during' }]),
        store.readLogs({ runId: RUN }),
        store.nextRunNumber('team/app/build'),
        store.claimCallback('token-1'),
        openStore(place.config),
      ];
      const outcomes = await Promise.allSettled(calls);
      const waited = Date.now() - started;
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
      }
      expect(waited).toBeGreaterThanOrEqual(1_500);
      expect(waited).toBeLessThan(5_000);
      await expect(store.ping()).rejects.toBeInstanceOf(Error);
      console.log(`past the budget: ${outcomes.length} calls failed with StoreUnavailableError after ${waited} ms (budget 1500 ms)`);
    } finally {
      await server('start');
    }
    await store.appendLogs(RUN, JOB, 1, 2, [{ ts: 2, stream: 'stdout', text: 'after' }]);
    expect((await store.readLogs({ runId: RUN })).lines.map((l) => l.text)).toEqual(['before', 'after']);
    await store.close();
    await place.destroy();
  }, 60_000);
});
