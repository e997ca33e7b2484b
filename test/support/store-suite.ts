/**
 * The suite every store backend must pass: each method of `Store` as its
 * callers rely on it, and the claims that must hold when several processes
 * share one store (here: several handles on the same data). It knows nothing
 * of any backend: store/sqlite/sqlite-store.test.ts runs it on the embedded
 * file, a PostgreSQL store runs it unchanged. The log tests are in
 * store-suite-logs.ts, those of environments, deployments and incidents in
 * store-suite-deployments.ts, shared values in store-fixtures.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFlow } from '../../flow/index.ts';
import { tokenHash } from '../../store/token-hash.ts';
import type { Store, StoreKind } from '../../store/store.ts';
import { applyFlow, ascending, callbackTarget, flowSource, logLines, numbered, plain, range, RUN, sealed, texts } from './store-fixtures.ts';
import { deploymentTests } from './store-suite-deployments.ts';
import { logTests } from './store-suite-logs.ts';

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
  deploymentTests(() => store, otherHandles);

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

    it('retargets an unclaimed token to a new task token (its activity moved to another worker), never a claimed one', async () => {
      await store.registerCallback('token-1', callbackTarget(), inAnHour());
      expect(await store.retargetCallback(tokenHash('token-1'), new Uint8Array([9, 9]))).toBe(true);
      expect(await store.retargetCallback(tokenHash('token-2'), new Uint8Array([9, 9]))).toBe(false);
      const claim = await store.claimCallback('token-1');
      expect(claim.status === 'claimed' && [...claim.target.taskToken]).toEqual([9, 9]);
      expect(await store.retargetCallback(tokenHash('token-1'), new Uint8Array([1]))).toBe(false);
    });

    it('forgets tokens expired more than a day ago when a token is registered', async () => {
      await store.registerCallback('long-gone', callbackTarget(), new Date(Date.now() - 2 * 24 * 3600_000));
      await store.registerCallback('just-expired', callbackTarget(), new Date(Date.now() - 60_000));
      await store.registerCallback('fresh', callbackTarget(), inAnHour());
      expect(await store.claimCallback('long-gone')).toEqual({ status: 'unknown' });
      // Expiry itself is Temporal's to judge: the endpoint claims, then reports the job no longer waits.
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

  describe('revoked sessions', () => {
    it('shares a sign-out with every handle; signing out twice is harmless; other sessions stay valid', async () => {
      const [other] = (await otherHandles(1)) as [Store];
      const later = new Date(Date.now() + 3_600_000);
      expect(await other.isSessionRevoked('s-1')).toBe(false);
      await store.revokeSession('s-1', later);
      await store.revokeSession('s-1', later);
      expect(await other.isSessionRevoked('s-1')).toBe(true);
      expect(await other.isSessionRevoked('s-2')).toBe(false);
    });

    it('forgets a revocation once its session would have expired anyway, when another is recorded', async () => {
      await store.revokeSession('old', new Date(Date.now() - 1_000));
      expect(await store.isSessionRevoked('old')).toBe(true);
      await store.revokeSession('new', new Date(Date.now() + 3_600_000));
      expect([await store.isSessionRevoked('old'), await store.isSessionRevoked('new')]).toEqual([false, true]);
    });

    it('keeps the latest "signed out before" of a user, shared by every handle, until it expires', async () => {
      const [other] = (await otherHandles(1)) as [Store];
      const t = (s: number): Date => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
      expect(await other.userSessionsRevokedBefore('alice')).toBeUndefined();
      await store.revokeUserSessions('alice', t(10), t(100));
      await store.revokeUserSessions('alice', t(5), t(50));
      expect(await other.userSessionsRevokedBefore('alice')).toEqual(t(10));
      await store.revokeUserSessions('alice', t(20), t(110));
      expect(await other.userSessionsRevokedBefore('alice')).toEqual(t(20));
      expect(await other.userSessionsRevokedBefore('bob')).toBeUndefined();
      await store.revokeUserSessions('bob', new Date(Date.now() - 2_000), new Date(Date.now() - 1_000));
      await store.revokeUserSessions('carol', t(1), t(2));
      expect(await store.userSessionsRevokedBefore('bob')).toBeUndefined();
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
