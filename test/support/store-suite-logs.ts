/** The store suite's log tests: appendLogs, countLogs, readLogs and followLogs (test/support/store-suite.ts). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredLogLine } from '../../contracts/logs.ts';
import type { FollowOptions, Store } from '../../store/store.ts';
import { ascending, drain, logLines, numbered, range, RUN, texts, until } from './store-fixtures.ts';

/** appendLogs, countLogs, readLogs and followLogs. */
export function logTests(current: () => Store, otherHandles: (count: number) => Promise<Store[]>): void {
  describe('logs', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('appends batches of an attempt, numbered from fromSeq, and reads them back in order', async () => {
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one', 'two', 'three'));
      await store.appendLogs(RUN, 'b.a.j', 1, 4, logLines('four', 'five'));
      await store.appendLogs(RUN, 'b.a.j', 1, 6, []);
      const { lines, next } = await store.readLogs({ runId: RUN });
      expect(lines.map(({ cursor: _, ...line }) => line)).toEqual([
        ...logLines('one', 'two', 'three').map((l, i) => ({ ...l, seq: i + 1, jobPath: 'b.a.j', attempt: 1 })),
        ...logLines('four', 'five').map((l, i) => ({ ...l, seq: i + 4, jobPath: 'b.a.j', attempt: 1 })),
      ]);
      const cursors = lines.map((l) => l.cursor);
      expect(cursors).toEqual(ascending(cursors));
      expect(new Set(cursors).size).toBe(5);
      expect(next).toBe(cursors.at(-1));
      expect(await store.countLogs(RUN, 'b.a.j', 1)).toBe(5);
    });

    it('stores nothing twice when an attempt delivers its log again', async () => {
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one', 'two', 'three'));
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one', 'two', 'three'));
      // A re-attached attempt replays from the start and gets further.
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one', 'two', 'three', 'four', 'five'));
      await (await otherHandles(1))[0]!.appendLogs(RUN, 'b.a.j', 1, 2, logLines('two', 'three'));
      expect(texts((await store.readLogs({ runId: RUN })).lines)).toEqual(['one', 'two', 'three', 'four', 'five']);
      expect((await store.readLogs({ runId: RUN })).lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await store.countLogs(RUN, 'b.a.j', 1)).toBe(5);
    });

    it('counts the lines of one attempt only', async () => {
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines('a', 'b', 'c'));
      await store.appendLogs(RUN, 'b.a.j', 2, 1, logLines('a'));
      await store.appendLogs(RUN, 'b.a.j', 0, 1, logLines('pre', 'hook'));
      await store.appendLogs(RUN, 'b.a.k', 1, 1, logLines('a', 'b'));
      await store.appendLogs('team/app/build#10', 'b.a.j', 1, 1, logLines('a', 'b', 'c', 'd'));
      expect(await store.countLogs(RUN, 'b.a.j', 1)).toBe(3);
      expect(await store.countLogs(RUN, 'b.a.j', 2)).toBe(1);
      expect(await store.countLogs(RUN, 'b.a.j', 0)).toBe(2);
      expect(await store.countLogs(RUN, 'b.a.k', 1)).toBe(2);
      expect(await store.countLogs(RUN, 'b.a.j', 3)).toBe(0);
      expect(await store.countLogs('team/app/none#1', 'b.a.j', 1)).toBe(0);
    });

    it('reads a run or one job page by page after a cursor, in the order lines were stored', async () => {
      await store.appendLogs(RUN, 'b.a.one', 1, 1, logLines('one:1', 'one:2'));
      await store.appendLogs(RUN, 'b.a.two', 1, 1, logLines('two:1'));
      await store.appendLogs(RUN, 'b.a.one', 2, 1, logLines('one:2:1'));
      await store.appendLogs('team/app/build#10', 'b.a.one', 1, 1, logLines('other run'));
      await store.appendLogs(RUN, 'b.a.two', 1, 2, logLines('two:2', 'two:3'));

      const pages: string[][] = [];
      let after = 0;
      for (;;) {
        const page = await store.readLogs({ runId: RUN, after, limit: 2 });
        if (page.lines.length === 0) {
          expect(page.next).toBe(after);
          break;
        }
        pages.push(texts(page.lines));
        after = page.next;
      }
      expect(pages).toEqual([['one:1', 'one:2'], ['two:1', 'one:2:1'], ['two:2', 'two:3']]);

      const job = await store.readLogs({ runId: RUN, jobPath: 'b.a.one' });
      expect(job.lines.map((l) => [l.text, l.attempt, l.seq])).toEqual([['one:1', 1, 1], ['one:2', 1, 2], ['one:2:1', 2, 1]]);
      const rest = await store.readLogs({ runId: RUN, jobPath: 'b.a.two', after: job.lines[1]!.cursor, limit: 2 });
      expect(texts(rest.lines)).toEqual(['two:1', 'two:2']);
      expect(texts((await store.readLogs({ runId: RUN, jobPath: 'b.a.two', after: rest.next })).lines)).toEqual(['two:3']);

      expect(await store.readLogs({ runId: 'team/app/none#1' })).toEqual({ lines: [], next: 0 });
      expect(await store.readLogs({ runId: RUN, jobPath: 'b.a.none', after: 7 })).toEqual({ lines: [], next: 7 });
    });

    it('bounds a page to 1..10,000 lines, 1,000 when no limit is given', async () => {
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines(...numbered('line ', 10_050)));
      const size = async (limit?: number): Promise<number> => (await store.readLogs({ runId: RUN, ...(limit === undefined ? {} : { limit }) })).lines.length;
      expect(await size()).toBe(1_000);
      expect(await size(3)).toBe(3);
      expect(await size(0)).toBe(1);
      expect(await size(-5)).toBe(1);
      expect(await size(10_000)).toBe(10_000);
      expect(await size(20_000)).toBe(10_000);
    });

    followTests(() => store, otherHandles);
  });
}

function followTests(current: () => Store, otherHandles: (count: number) => Promise<Store[]>): void {
  describe('following', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('yields what is stored, then lines appended later, and ends once the run ended with nothing lost', async () => {
      const [writer] = (await otherHandles(1)) as [Store];
      await writer.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one', 'two'));
      let runEnded = false;
      const options: FollowOptions = {
        pollMs: 10,
        // Lines stored between the follow's last read and the end must still be delivered.
        ended: async () => {
          if (!runEnded) return false;
          await writer.appendLogs(RUN, 'b.a.j', 1, 4, logLines(...numbered('late ', 1_201)));
          return true;
        },
      };
      const seen: StoredLogLine[] = [];
      const following = drain(store.followLogs({ runId: RUN }, options), seen);
      await until(() => seen.length === 2);
      await writer.appendLogs(RUN, 'b.a.j', 1, 3, logLines('three'));
      await until(() => seen.length === 3);
      runEnded = true;
      await following;
      expect(texts(seen)).toEqual(['one', 'two', 'three', ...numbered('late ', 1_201)]);
      expect(seen.map((l) => l.seq)).toEqual(range(1, 1_204));
      expect(seen).toEqual((await store.readLogs({ runId: RUN, limit: 10_000 })).lines);
    });

    it('follows one job after a cursor, and ends at once for a run already ended', async () => {
      await store.appendLogs(RUN, 'b.a.one', 1, 1, logLines('one:1', 'one:2', 'one:3'));
      await store.appendLogs(RUN, 'b.a.two', 1, 1, logLines('two:1'));
      const first = (await store.readLogs({ runId: RUN, limit: 1 })).next;
      const seen: StoredLogLine[] = [];
      await drain(store.followLogs({ runId: RUN, jobPath: 'b.a.one', after: first }, { ended: () => Promise.resolve(true), pollMs: 10 }), seen);
      expect(texts(seen)).toEqual(['one:2', 'one:3']);
    });

    it('ends promptly when its signal is aborted while it waits for lines', async () => {
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one'));
      const abort = new AbortController();
      const seen: StoredLogLine[] = [];
      const following = drain(store.followLogs({ runId: RUN }, { ended: () => Promise.resolve(false), signal: abort.signal, pollMs: 60_000 }), seen);
      await until(() => seen.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const aborted = Date.now();
      abort.abort();
      await following;
      expect(Date.now() - aborted).toBeLessThan(1_000);
      expect(texts(seen)).toEqual(['one']);
    });

    it('wakes for lines appended through the same store at once, not at its next poll', async () => {
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one'));
      const abort = new AbortController();
      const seen: StoredLogLine[] = [];
      // A minute between polls: only the store's own wake-up can deliver 'two' before `until` gives up.
      const following = drain(store.followLogs({ runId: RUN }, { ended: () => Promise.resolve(false), signal: abort.signal, pollMs: 60_000 }), seen);
      await until(() => seen.length === 1);
      await store.appendLogs(RUN, 'b.a.j', 1, 2, logLines('two'));
      await until(() => seen.length === 2);
      abort.abort();
      await following;
      expect(texts(seen)).toEqual(['one', 'two']);
    });

    it('ends promptly when its signal is aborted while it reads', async () => {
      const abort = new AbortController();
      const ended = (): Promise<boolean> => {
        abort.abort();
        return Promise.resolve(false);
      };
      const started = Date.now();
      await drain(store.followLogs({ runId: RUN }, { ended, signal: abort.signal, pollMs: 60_000 }), []);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('yields nothing for a signal aborted before it starts', async () => {
      await store.appendLogs(RUN, 'b.a.j', 1, 1, logLines('one'));
      const seen: StoredLogLine[] = [];
      await drain(store.followLogs({ runId: RUN }, { ended: () => Promise.resolve(false), signal: AbortSignal.abort(), pollMs: 60_000 }), seen);
      expect(seen).toEqual([]);
    });
  });
}
