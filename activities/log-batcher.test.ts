import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../contracts/logs.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import type { LogStore, Store } from '../store/store.ts';
import { LogBatcher } from './log-batcher.ts';

const RUN = 'team/app/build#1';
const JOB = 's.a.j';

function line(text: string): LogLine {
  return { ts: Date.UTC(2025, 0, 1), stream: 'stdout', text };
}

function texts(count: number, prefix = 'line '): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

/** Whether `promise` settled within a few event-loop turns. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  return settled;
}

/** The real store, its writes held back until `open()` (a busy database). */
function heldBack(store: Store, hold: (fromSeq: number) => boolean): { logs: LogStore; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const logs: LogStore = {
    async appendLogs(runId, jobPath, attempt, fromSeq, lines) {
      if (hold(fromSeq)) await opened;
      await store.appendLogs(runId, jobPath, attempt, fromSeq, lines);
    },
    countLogs: (...args) => store.countLogs(...args),
    readLogs: (query) => store.readLogs(query),
    followLogs: (query, options) => store.followLogs(query, options),
  };
  return { logs, open };
}

describe('LogBatcher', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coflow-batcher-'));
    store = await openSqliteStore(join(dir, 'coflow.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (): Promise<{ seq: number; text: string }[]> =>
    (await store.readLogs({ runId: RUN, jobPath: JOB, limit: 10_000 })).lines.map((l) => ({ seq: l.seq, text: l.text }));

  it('skip() numbers a re-attached log after the pull lines an earlier try stored, which stay as they were', async () => {
    const first = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1 });
    for (const text of ['[pull] pulling x', '[pull] Pull complete', 'c1']) await first.add(line(text));
    await first.close();
    const retry = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1 });
    retry.skip(2);
    for (const text of ['c1', 'c2']) await retry.add(line(text));
    await retry.close();
    expect(retry.count).toBe(4);
    expect(await stored()).toEqual([
      { seq: 1, text: '[pull] pulling x' },
      { seq: 2, text: '[pull] Pull complete' },
      { seq: 3, text: 'c1' },
      { seq: 4, text: 'c2' },
    ]);
    expect(() => retry.skip(1)).toThrow(/before the first line/);
  });

  it('numbers lines from firstSeq in the order they arrive', async () => {
    const batcher = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1, firstSeq: 41, flushLines: 3 });
    for (const text of ['b', 'a', 'c', 'a', 'e']) await batcher.add(line(text));
    await batcher.close();
    expect(await stored()).toEqual([
      { seq: 41, text: 'b' }, { seq: 42, text: 'a' }, { seq: 43, text: 'c' }, { seq: 44, text: 'a' }, { seq: 45, text: 'e' },
    ]);
  });

  it('counts the lines it accepted', async () => {
    const batcher = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1 });
    expect(batcher.count).toBe(0);
    for (const text of texts(3)) await batcher.add(line(text));
    expect(batcher.count).toBe(3);
    await batcher.close();
  });

  it('writes batches one after another, in order, even when the first write is slow', async () => {
    const { logs, open } = heldBack(store, (fromSeq) => fromSeq === 1);
    const batcher = new LogBatcher(logs, { runId: RUN, jobPath: JOB, attempt: 1, flushLines: 2 });
    const adds = texts(7).map((text) => batcher.add(line(text)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await stored()).toEqual([]);
    open();
    await Promise.all(adds);
    await batcher.close();
    // Cursor order is the order the lines arrived.
    expect(await stored()).toEqual(texts(7).map((text, i) => ({ seq: i + 1, text })));
  });

  it('writes what is pending on close()', async () => {
    const batcher = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 2, flushMs: 60_000, flushLines: 200 });
    for (const text of texts(3)) await batcher.add(line(text));
    await batcher.close();
    expect(await store.countLogs(RUN, JOB, 2)).toBe(3);
  });

  it('writes a partial batch within flushMs without being asked', async () => {
    const batcher = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1, flushMs: 20 });
    await batcher.add(line('alone'));
    const deadline = Date.now() + 2_000;
    while ((await store.countLogs(RUN, JOB, 1)) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await stored()).toEqual([{ seq: 1, text: 'alone' }]);
    await batcher.close();
  });

  it('writes a line after a quiet spell at once, not flushMs later', async () => {
    const batcher = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1, flushMs: 60_000 });
    await batcher.add(line('first'));
    const deadline = Date.now() + 2_000;
    while ((await store.countLogs(RUN, JOB, 1)) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await stored()).toEqual([{ seq: 1, text: 'first' }]);
    await batcher.close();
  });

  it('takes lines while its buffer has room, and holds add() once it is full until a batch is stored (back-pressure)', async () => {
    const { logs, open } = heldBack(store, () => true);
    const batcher = new LogBatcher(logs, { runId: RUN, jobPath: JOB, attempt: 1, flushMs: 60_000, flushLines: 3, bufferLines: 7 });
    for (const text of texts(6)) expect(await settledSoon(batcher.add(line(text)))).toBe(true);
    const seventh = batcher.add(line('line 7'));
    expect(await settledSoon(seventh)).toBe(false);
    expect(await store.countLogs(RUN, JOB, 1)).toBe(0);
    open();
    await seventh;
    await batcher.close();
    expect(await stored()).toEqual(texts(7).map((text, i) => ({ seq: i + 1, text })));
  });

  it('stores nothing twice when a re-attached attempt delivers its log again from the start', async () => {
    const first = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1, flushLines: 2 });
    for (const text of texts(5)) await first.add(line(text));
    await first.close();
    const again = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1, flushLines: 2 });
    for (const text of texts(8)) await again.add(line(text));
    await again.close();
    expect(await stored()).toEqual(texts(8).map((text, i) => ({ seq: i + 1, text })));
  });

  it('fails on a write that is not transient, even one the timer started: failed aborts, add() and close() reject', async () => {
    const failing: LogStore = {
      appendLogs: () => Promise.reject(new Error('disk full')),
      countLogs: () => Promise.reject(new Error('not used')),
      readLogs: () => Promise.reject(new Error('not used')),
      followLogs: () => { throw new Error('not used'); },
    };
    const batcher = new LogBatcher(failing, { runId: RUN, jobPath: JOB, attempt: 1, flushMs: 10 });
    await batcher.add(line('lost'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(batcher.failed.aborted).toBe(true);
    expect(batcher.failed.reason).toEqual(new Error('disk full'));
    await expect(batcher.add(line('after'))).rejects.toThrow('disk full');
    await expect(batcher.close()).rejects.toThrow('disk full');

    const full = new LogBatcher(failing, { runId: RUN, jobPath: JOB, attempt: 1, flushLines: 1, bufferLines: 1 });
    await expect(full.add(line('lost'))).rejects.toThrow('disk full');
    await expect(full.close()).rejects.toThrow('disk full');
  });

  describe('while the store is down', () => {
    /** The real store, its writes failing as a lost connection does until `back()`; counts the failed writes. */
    function down(): { logs: LogStore; back: () => void; failures: () => number } {
      let up = false;
      let failures = 0;
      const logs: LogStore = {
        appendLogs(...args) {
          if (up) return store.appendLogs(...args);
          failures++;
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
        },
        countLogs: (...args) => store.countLogs(...args),
        readLogs: (query) => store.readLogs(query),
        followLogs: (query, options) => store.followLogs(query, options),
      };
      return { logs, back: () => (up = true), failures: () => failures };
    }

    it('keeps every line, in order, through an outage within the budget; add() waits only once the buffer is full', async () => {
      const { logs, back, failures } = down();
      const batcher = new LogBatcher(logs, { runId: RUN, jobPath: JOB, attempt: 1, flushMs: 10, flushLines: 20, bufferLines: 100, outageBudgetMs: 5_000 });
      expect(await settledSoon(Promise.all(texts(99).map((text) => batcher.add(line(text)))))).toBe(true);
      const hundredth = batcher.add(line('line 100'));
      expect(await settledSoon(hundredth)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await settledSoon(hundredth)).toBe(false);
      expect(failures()).toBeGreaterThan(2);
      expect(batcher.failed.aborted).toBe(false);
      back();
      await hundredth;
      for (const text of texts(50, 'after ')) await batcher.add(line(text));
      await batcher.close();
      const expected = [...texts(100), ...texts(50, 'after ')].map((text, i) => ({ seq: i + 1, text }));
      expect(await stored()).toEqual(expected);
    });

    it('fails past the budget: failed aborts with StoreUnavailableError, a waiting add() and close() reject', async () => {
      const { logs } = down();
      const batcher = new LogBatcher(logs, { runId: RUN, jobPath: JOB, attempt: 1, flushMs: 10, flushLines: 5, bufferLines: 10, outageBudgetMs: 300 });
      const started = Date.now();
      const adds = texts(10).map((text) => batcher.add(line(text)));
      const waiting = adds.at(-1)!;
      await expect(waiting).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(batcher.failed.aborted).toBe(true);
      expect(batcher.failed.reason).toBeInstanceOf(StoreUnavailableError);
      await expect(batcher.close()).rejects.toBeInstanceOf(StoreUnavailableError);
      await Promise.allSettled(adds);
      expect(await store.countLogs(RUN, JOB, 1)).toBe(0);
    });

    it('lets a re-attached attempt store what the failed one could not, each line once', async () => {
      const first = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1, flushLines: 4 });
      for (const text of texts(8)) await first.add(line(text));
      await first.close();
      const { logs } = down();
      const failing = new LogBatcher(logs, { runId: RUN, jobPath: JOB, attempt: 1, firstSeq: 9, flushLines: 4, outageBudgetMs: 100 });
      for (const text of texts(4, 'lost ')) await failing.add(line(text));
      await expect(failing.close()).rejects.toBeInstanceOf(StoreUnavailableError);
      // The retried activity replays the container's whole log from the start.
      const again = new LogBatcher(store, { runId: RUN, jobPath: JOB, attempt: 1, flushLines: 4 });
      for (const text of [...texts(8), ...texts(4, 'lost ')]) await again.add(line(text));
      await again.close();
      expect(await stored()).toEqual([...texts(8), ...texts(4, 'lost ')].map((text, i) => ({ seq: i + 1, text })));
    });
  });
});
