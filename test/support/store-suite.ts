/**
 * The suite every store backend must pass: each method of `Store` as its
 * callers rely on it, and the claims that must hold when several processes
 * share one store (here: several handles on the same data). It knows nothing
 * of any backend: store/sqlite/sqlite-store.test.ts runs it on the embedded
 * file, a PostgreSQL store runs it unchanged.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine, StoredLogLine } from '../../contracts/logs.ts';
import { parseFlow } from '../../flow/index.ts';
import type { CallbackTarget, FollowOptions, SealedSecret, Store, StoreKind } from '../../store/store.ts';

/** What differs between backends. */
export interface StoreTarget {
  readonly kind: StoreKind;
  /** The schema version the newest migration brings a store to. */
  readonly latestSchemaVersion: number;
  /** Makes an empty place for one store's data (a file, a database). */
  create(): Promise<StorePlace>;
}

/** The data of one store, which any number of handles may open at once. */
export interface StorePlace {
  /** Opens one more handle on the data, as another process would. */
  open(): Promise<Store>;
  /** Removes the data; every handle is closed by then. */
  destroy(): Promise<void>;
}

const RUN = 'team/app/build#1';
const TS = Date.UTC(2025, 0, 1);

/** A flow file whose only job echoes `word`. */
function flowSource(uri: string, word = 'one'): string {
  return `uri: ${uri}\nstages:\n  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "echo ${word}" } ] } ] }\n`;
}

function applyFlow(store: Store, uri: string, word?: string): ReturnType<Store['applyFlow']> {
  const source = flowSource(uri, word);
  return store.applyFlow(parseFlow(source), source);
}

function logLines(...texts: string[]): LogLine[] {
  return texts.map((text, i) => ({ ts: TS + i, stream: i % 2 === 0 ? 'stdout' : 'stderr', text }));
}

function numbered(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function ascending(numbers: readonly number[]): number[] {
  return [...numbers].sort((a, b) => a - b);
}

function texts(lines: readonly StoredLogLine[]): string[] {
  return lines.map((l) => l.text);
}

/** Waits until `done()` holds (5 s at most). */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5_000; !done(); ) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads a follow to its end into `into`; resolves when the follow ended. */
async function drain(follow: AsyncIterable<StoredLogLine>, into: StoredLogLine[]): Promise<void> {
  for await (const line of follow) into.push(line);
}

function callbackTarget(jobPath = 'svc.a.call'): CallbackTarget {
  return { taskToken: new Uint8Array([7, 0, 255, 3]), runId: RUN, jobPath, attempt: 2 };
}

function sealed(seed: number): SealedSecret {
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed + i) % 256);
  return { iv: bytes(12), data: bytes(5 + seed), tag: bytes(16) };
}

function plain(secret: SealedSecret | undefined): { iv: number[]; data: number[]; tag: number[] } | undefined {
  return secret && { iv: [...secret.iv], data: [...secret.data], tag: [...secret.tag] };
}

/** Defines the store tests against one backend. */
export function storeSuite(target: StoreTarget): void {
  let place: StorePlace;
  let handles: Store[];
  let store: Store;

  /** More handles on the test's data, closed after the test. */
  async function otherHandles(count: number): Promise<Store[]> {
    const opened: Store[] = [];
    for (let i = 0; i < count; i++) opened.push(await place.open());
    handles.push(...opened);
    return opened;
  }

  beforeEach(async () => {
    place = await target.create();
    handles = [];
    [store] = (await otherHandles(1)) as [Store];
  });
  afterEach(async () => {
    for (const h of handles) await h.close();
    await place.destroy();
  });

  describe('flows', () => {
    it('stores a new version only when the source changed, and keeps every version', async () => {
      const first = await applyFlow(store, 'team/app/build', 'one');
      expect(first.created).toBe(true);
      expect(first.flow).toMatchObject({ uri: 'team/app/build', version: 1, source: flowSource('team/app/build', 'one') });
      expect(first.flow.spec).toEqual(parseFlow(flowSource('team/app/build', 'one')));
      expect(Number.isNaN(Date.parse(first.flow.createdAt))).toBe(false);

      const again = await applyFlow(store, 'team/app/build', 'one');
      expect(again).toEqual({ flow: first.flow, created: false });

      const second = await applyFlow(store, 'team/app/build', 'two');
      expect([second.flow.version, second.created]).toEqual([2, true]);
      // Going back to an earlier source is a change from the latest: a new version.
      const back = await applyFlow(store, 'team/app/build', 'one');
      expect([back.flow.version, back.created]).toEqual([3, true]);
    });

    it('gets the latest version or a given one (a run pins its version); unknown is undefined', async () => {
      const v1 = await applyFlow(store, 'team/app/build', 'one');
      await applyFlow(store, 'team/app/build', 'two');
      expect(await store.getFlow('team/app/build')).toMatchObject({ version: 2, source: flowSource('team/app/build', 'two') });
      expect(await store.getFlow('team/app/build', 1)).toEqual(v1.flow);
      expect((await store.getFlow('team/app/build', 1))?.spec).toEqual(parseFlow(flowSource('team/app/build', 'one')));
      expect(await store.getFlow('team/app/build', 3)).toBeUndefined();
      expect(await store.getFlow('team/app/none')).toBeUndefined();
      expect(await store.getFlow('team/app/none', 1)).toBeUndefined();
    });

    it('lists the latest version of every flow, ordered by uri', async () => {
      // Case and punctuation order by code point, the same on every backend.
      const uris = ['team/app/zeta', 'Team/app/alpha', 'team/app-x/a', 'team/app/Beta', 'team/app/a_b', 'team/app/ab', 'team/app/aB', 'team/app.x/a'];
      for (const uri of uris) await applyFlow(store, uri);
      await applyFlow(store, 'team/app/zeta', 'two');
      expect(await (await otherHandles(1))[0]!.listFlows()).toEqual(await store.listFlows());
      const listed = await store.listFlows();
      expect(listed.map((f) => f.uri)).toEqual([...uris].sort());
      expect(listed.find((f) => f.uri === 'team/app/zeta')).toMatchObject({ version: 2, source: flowSource('team/app/zeta', 'two') });
      expect(listed.filter((f) => f.uri !== 'team/app/zeta').map((f) => f.version)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    });

    it('lists a flow\'s versions oldest first, empty for an unknown flow', async () => {
      const made = [await applyFlow(store, 'team/app/build', 'one'), await applyFlow(store, 'team/app/build', 'two')];
      await applyFlow(store, 'team/app/other');
      expect(await store.flowVersions('team/app/build')).toEqual(made.map(({ flow }) => ({ version: flow.version, createdAt: flow.createdAt })));
      expect(await store.flowVersions('team/app/none')).toEqual([]);
      expect(await store.listFlows()).toHaveLength(2);
    });

    it('creates one version when several processes apply the same new source at once', async () => {
      const all = [store, ...(await otherHandles(3))];
      const applied = await Promise.all(all.flatMap((h) => [applyFlow(h, 'team/app/build'), applyFlow(h, 'team/app/build')]));
      expect(applied.filter((a) => a.created)).toHaveLength(1);
      expect(new Set(applied.map((a) => a.flow.version))).toEqual(new Set([1]));
      expect(await store.flowVersions('team/app/build')).toHaveLength(1);
    });
  });

  describe('run numbers', () => {
    it('counts runs 1, 2, … per flow, each flow on its own', async () => {
      expect([await store.nextRunNumber('team/app/a'), await store.nextRunNumber('team/app/a')]).toEqual([1, 2]);
      expect(await store.nextRunNumber('team/app/b')).toBe(1);
      expect(await (await otherHandles(1))[0]!.nextRunNumber('team/app/a')).toBe(3);
    });

    it('claims a delivery\'s number once: later claims get the same number, not fresh, and burn none', async () => {
      expect(await store.nextRunNumber('team/app/a')).toBe(1);
      expect(await store.claimRunNumber('team/app/a', 'delivery-1')).toEqual({ number: 2, fresh: true });
      expect(await store.claimRunNumber('team/app/a', 'delivery-1')).toEqual({ number: 2, fresh: false });
      expect(await (await otherHandles(1))[0]!.claimRunNumber('team/app/a', 'delivery-1')).toEqual({ number: 2, fresh: false });
      expect(await store.nextRunNumber('team/app/a')).toBe(3);
      expect(await store.claimRunNumber('team/app/a', 'delivery-2')).toEqual({ number: 4, fresh: true });
      // A key belongs to its flow: the same delivery id for another flow is another claim.
      expect(await store.claimRunNumber('team/app/b', 'delivery-1')).toEqual({ number: 1, fresh: true });
    });

    it('gives simultaneous run-number calls through several handles distinct, gap-free numbers', async () => {
      const all = [store, ...(await otherHandles(3))];
      const numbers = await Promise.all(all.flatMap((h) => Array.from({ length: 25 }, () => h.nextRunNumber('team/app/a'))));
      expect(ascending(numbers)).toEqual(range(1, 100));
    });

    it('gives many simultaneous claims of one delivery exactly one fresh claim and one number', async () => {
      const all = [store, ...(await otherHandles(3))];
      const claims = await Promise.all(all.flatMap((h) => Array.from({ length: 10 }, () => h.claimRunNumber('team/app/a', 'delivery-1'))));
      expect(claims.filter((c) => c.fresh)).toHaveLength(1);
      expect(new Set(claims.map((c) => c.number))).toEqual(new Set([1]));
      expect(await store.nextRunNumber('team/app/a')).toBe(2);
    });

    it('keeps numbers distinct and gap-free when claims of several deliveries and plain starts race', async () => {
      const all = [store, ...(await otherHandles(3))];
      const keys = numbered('delivery-', 10);
      const [claims, starts] = await Promise.all([
        Promise.all(all.flatMap((h) => keys.map((key) => h.claimRunNumber('team/app/a', key).then((c) => ({ key, ...c }))))),
        Promise.all(all.flatMap((h) => Array.from({ length: 5 }, () => h.nextRunNumber('team/app/a')))),
      ]);
      const fresh = claims.filter((c) => c.fresh);
      expect(fresh.map((c) => c.key).sort()).toEqual([...keys].sort());
      for (const key of keys) expect(new Set(claims.filter((c) => c.key === key).map((c) => c.number)).size).toBe(1);
      expect(ascending([...fresh.map((c) => c.number), ...starts])).toEqual(range(1, 30));
    });
  });

  logTests(() => store, otherHandles);

  describe('callbacks', () => {
    const inAnHour = (): Date => new Date(Date.now() + 3600_000);

    it('claims a token once, then says used; an unknown token is unknown', async () => {
      await store.registerCallback('token-1', callbackTarget(), inAnHour());
      const claim = await store.claimCallback('token-1');
      expect(claim.status).toBe('claimed');
      const target = claim.status === 'claimed' ? claim.target : undefined;
      expect(target?.taskToken).toBeInstanceOf(Uint8Array);
      expect({ ...target, taskToken: [...(target?.taskToken ?? [])] }).toEqual({ ...callbackTarget(), taskToken: [7, 0, 255, 3] });
      expect(await store.claimCallback('token-1')).toEqual({ status: 'used' });
      expect(await (await otherHandles(1))[0]!.claimCallback('token-1')).toEqual({ status: 'used' });
      expect(await store.claimCallback('token-2')).toEqual({ status: 'unknown' });
    });

    it('makes a released token claimable again and a removed token unknown', async () => {
      await store.registerCallback('token-1', callbackTarget('svc.a.one'), inAnHour());
      await store.registerCallback('token-2', callbackTarget('svc.a.two'), inAnHour());
      expect((await store.claimCallback('token-1')).status).toBe('claimed');
      await store.releaseCallback('token-1');
      expect(await store.claimCallback('token-1')).toMatchObject({ status: 'claimed', target: { jobPath: 'svc.a.one' } });
      expect(await store.claimCallback('token-1')).toEqual({ status: 'used' });

      await store.removeCallback('token-2');
      expect(await store.claimCallback('token-2')).toEqual({ status: 'unknown' });
      await store.removeCallback('token-1');
      expect(await store.claimCallback('token-1')).toEqual({ status: 'unknown' });
      // Releasing or removing what is not there changes nothing.
      await store.releaseCallback('token-3');
      await store.removeCallback('token-3');
      expect(await store.claimCallback('token-3')).toEqual({ status: 'unknown' });
    });

    it('forgets tokens expired more than a day ago when a token is registered', async () => {
      await store.registerCallback('long-gone', callbackTarget(), new Date(Date.now() - 2 * 24 * 3600_000));
      await store.registerCallback('just-expired', callbackTarget(), new Date(Date.now() - 60_000));
      await store.registerCallback('fresh', callbackTarget(), inAnHour());
      expect(await store.claimCallback('long-gone')).toEqual({ status: 'unknown' });
      expect((await store.claimCallback('just-expired')).status).toBe('claimed');
    });

    it('gives one of many simultaneous claims of a token through several handles the target', async () => {
      await store.registerCallback('token-1', callbackTarget(), inAnHour());
      const all = [store, ...(await otherHandles(3))];
      const claims = await Promise.all(all.flatMap((h) => Array.from({ length: 5 }, () => h.claimCallback('token-1'))));
      expect(claims.filter((c) => c.status === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.status === 'used')).toHaveLength(19);
    });
  });

  describe('secrets', () => {
    it('puts, gets, replaces and deletes a sealed secret', async () => {
      await store.putSecret('DEPLOY_KEY', sealed(1));
      expect(plain(await store.getSecret('DEPLOY_KEY'))).toEqual(plain(sealed(1)));
      expect((await store.getSecret('DEPLOY_KEY'))?.data).toBeInstanceOf(Uint8Array);
      await store.putSecret('DEPLOY_KEY', sealed(2));
      expect(plain(await (await otherHandles(1))[0]!.getSecret('DEPLOY_KEY'))).toEqual(plain(sealed(2)));
      expect(await store.getSecret('OTHER')).toBeUndefined();

      expect(await store.deleteSecret('DEPLOY_KEY')).toBe(true);
      expect(await store.getSecret('DEPLOY_KEY')).toBeUndefined();
      expect(await store.deleteSecret('DEPLOY_KEY')).toBe(false);
      expect(await store.deleteSecret('NEVER_THERE')).toBe(false);
    });

    it('lists secret names sorted by code point, never values', async () => {
      expect(await store.listSecretNames()).toEqual([]);
      const names = ['token', 'API_KEY', '_private', 'Zeta', 'alpha', 'B2'];
      for (const [i, name] of names.entries()) await store.putSecret(name, sealed(i));
      await store.putSecret('alpha', sealed(9));
      expect(await store.listSecretNames()).toEqual([...names].sort());
      await store.deleteSecret('Zeta');
      expect(await store.listSecretNames()).toEqual([...names].filter((n) => n !== 'Zeta').sort());
    });
  });

  describe('the store itself', () => {
    it('is of its kind and at the latest schema version, on every handle', async () => {
      expect(store.kind).toBe(target.kind);
      expect(await store.schemaVersion()).toBe(target.latestSchemaVersion);
      expect(await (await otherHandles(1))[0]!.schemaVersion()).toBe(target.latestSchemaVersion);
    });

    it('answers ping while open; once closed, ping rejects and closing again is harmless', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
      let pinged: Promise<void> | undefined;
      // An asynchronous interface: failures arrive as rejections, never as synchronous throws.
      expect(() => { pinged = store.ping(); }).not.toThrow();
      await expect(pinged).rejects.toBeInstanceOf(Error);
    });

    it('keeps its data after every handle closed', async () => {
      await applyFlow(store, 'team/app/build');
      await store.claimRunNumber('team/app/build', 'delivery-1');
      await store.appendLogs(RUN, 's.a.j', 1, 1, logLines('kept'));
      await store.putSecret('KEPT', sealed(3));
      await store.registerCallback('token-1', callbackTarget(), new Date(Date.now() + 60_000));
      for (const h of handles) await h.close();

      const [reopened] = (await otherHandles(1)) as [Store];
      expect(await reopened.getFlow('team/app/build')).toMatchObject({ version: 1 });
      expect(await reopened.claimRunNumber('team/app/build', 'delivery-1')).toEqual({ number: 1, fresh: false });
      expect(texts((await reopened.readLogs({ runId: RUN })).lines)).toEqual(['kept']);
      expect(plain(await reopened.getSecret('KEPT'))).toEqual(plain(sealed(3)));
      expect((await reopened.claimCallback('token-1')).status).toBe('claimed');
      expect(await reopened.schemaVersion()).toBe(target.latestSchemaVersion);
    });
  });
}

/** appendLogs, countLogs, readLogs and followLogs. */
function logTests(current: () => Store, otherHandles: (count: number) => Promise<Store[]>): void {
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
