/**
 * The store suite's environment, deployment, deploy-queue and incident tests
 * (test/support/store-suite.ts): the same on every backend.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentsSpec } from '../../contracts/environments.ts';
import type { NewDeployment } from '../../contracts/deployments.ts';
import type { Store } from '../../store/store.ts';

const NS = 'team';

export function environmentsSpec(namespace = NS, names: readonly string[] = ['staging', 'production']): EnvironmentsSpec {
  return {
    namespace,
    environments: names.map((name) => ({
      name, tier: name === 'production' ? 'production' : 'staging', kubernetesNamespace: `app-${name}`,
      cluster: { kind: 'runner' }, protection: { approvers: [], branches: [] }, values: { HOST: `${name}.example` },
    })),
    alerts: { tokenSecret: 'ALERTS_TOKEN' },
  };
}

/** A deployment start at minute `minute` of 2025-03-01 (keys differ by minute unless given). */
export function newDeployment(minute: number, over: Partial<NewDeployment> = {}): NewDeployment {
  return {
    key: `run-${minute}/deploy.a.j/1`, namespace: NS, environment: 'production', application: 'app', kind: 'deploy',
    flowUri: 'team/app/ship', runId: `team/app/ship#${minute}`, jobPath: 'deploy.a.j', attempt: 1, commit: `c${minute}`.padEnd(40, '0'),
    images: ['registry.example/app:1'], user: 'ada', strategy: 'rolling', startedAt: at(minute), ...over,
  };
}

export function at(minute: number): string {
  return new Date(Date.UTC(2025, 2, 1, 0, minute)).toISOString();
}

export function deploymentTests(current: () => Store, otherHandles: (count: number) => Promise<Store[]>): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('environments', () => {
    it('stores a new version per namespace only when the source changed; lists the latest of each', async () => {
      const first = await store.applyEnvironments(environmentsSpec(), 'one');
      expect(first).toMatchObject({ created: true, stored: { namespace: NS, version: 1, source: 'one', spec: environmentsSpec() } });
      expect(await store.applyEnvironments(environmentsSpec(), 'one')).toEqual({ stored: first.stored, created: false });
      const second = await store.applyEnvironments(environmentsSpec(NS, ['qa']), 'two');
      expect([second.stored.version, second.created]).toEqual([2, true]);
      await store.applyEnvironments(environmentsSpec('other'), 'x');
      expect(await store.getEnvironments(NS)).toEqual(second.stored);
      expect(await store.getEnvironments('nobody')).toBeUndefined();
      expect((await store.listEnvironments()).map((e) => [e.namespace, e.version])).toEqual([['other', 1], [NS, 2]]);
    });
  });

  describe('deployments', () => {
    it('starts a record once per key: a retried start gets the same record', async () => {
      const [other] = (await otherHandles(1)) as [Store];
      const started = await Promise.all([store.startDeployment(newDeployment(1)), other.startDeployment(newDeployment(1)), store.startDeployment(newDeployment(1))]);
      expect(started[0]).toMatchObject({ result: 'running', environment: 'production', commits: [], images: ['registry.example/app:1'], startedAt: at(1) });
      expect(started[0]).not.toHaveProperty('finishedAt');
      expect(started[1]).toEqual(started[0]);
      expect(started[2]).toEqual(started[0]);
      expect(await store.listDeployments({})).toHaveLength(1);
      expect(await store.getDeployment(started[0].id)).toEqual(started[0]);
      expect(await store.getDeployment(started[0].id + 100)).toBeUndefined();
    });

    it('ends only a running record, and keeps what the end adds', async () => {
      const d = await store.startDeployment(newDeployment(1));
      const commits = [{ sha: 'a'.repeat(40), committedAt: at(0) }];
      const ended = await store.finishDeployment(d.id, {
        result: 'succeeded', finishedAt: at(3), manifest: 'kind: Deployment', manifestDigest: 'sha256:ab', images: ['registry.example/app:2'], commits,
      });
      expect(ended).toMatchObject({ result: 'succeeded', finishedAt: at(3), manifest: 'kind: Deployment', manifestDigest: 'sha256:ab', images: ['registry.example/app:2'], commits });
      expect(await store.finishDeployment(d.id, { result: 'failed', finishedAt: at(9), reason: 'late' })).toEqual(ended);
      await expect(store.finishDeployment(d.id + 100, { result: 'failed', finishedAt: at(9) })).rejects.toThrow(`no deployment ${d.id + 100}`);
    });

    it('a succeeded rollback marks the deployment it undid rolled back; a failed one does not', async () => {
      const bad = await store.startDeployment(newDeployment(1));
      await store.finishDeployment(bad.id, { result: 'failed', finishedAt: at(2), reason: 'rollout timed out' });
      const failedRollback = await store.startDeployment(newDeployment(3, { kind: 'rollback', rollbackOf: bad.id, restores: bad.id }));
      await store.finishDeployment(failedRollback.id, { result: 'failed', finishedAt: at(4) });
      expect((await store.getDeployment(bad.id))?.result).toBe('failed');
      const rollback = await store.startDeployment(newDeployment(5, { kind: 'rollback', rollbackOf: bad.id, restores: bad.id, runId: undefined }));
      expect(rollback).toMatchObject({ kind: 'rollback', rollbackOf: bad.id, restores: bad.id });
      expect(rollback).not.toHaveProperty('runId');
      await store.finishDeployment(rollback.id, { result: 'succeeded', finishedAt: at(6), reason: 'restored' });
      expect(await store.getDeployment(bad.id)).toMatchObject({ result: 'rolled back', finishedAt: at(2), reason: 'rollout timed out' });
    });

    it('finds the last successful deployment of a pair, optionally older than a record', async () => {
      const ok = async (minute: number, over: Partial<NewDeployment> = {}) => {
        const d = await store.startDeployment(newDeployment(minute, over));
        return store.finishDeployment(d.id, { result: 'succeeded', finishedAt: at(minute + 1) });
      };
      const one = await ok(1);
      const two = await ok(2);
      await ok(3, { environment: 'staging' });
      await ok(4, { application: 'other' });
      const failed = await store.startDeployment(newDeployment(5));
      await store.finishDeployment(failed.id, { result: 'failed', finishedAt: at(6) });
      await store.startDeployment(newDeployment(7));
      expect((await store.lastSuccessfulDeployment(NS, 'production', 'app'))?.id).toBe(two.id);
      expect((await store.lastSuccessfulDeployment(NS, 'production', 'app', two.id))?.id).toBe(one.id);
      expect(await store.lastSuccessfulDeployment(NS, 'production', 'app', one.id)).toBeUndefined();
      expect(await store.lastSuccessfulDeployment('other', 'production', 'app')).toBeUndefined();
    });

    it('lists newest first with filters, a time window [since, until), paging by id and a capped limit', async () => {
      for (let m = 1; m <= 6; m++) {
        await store.startDeployment(newDeployment(m, { environment: m % 2 === 0 ? 'staging' : 'production', flowUri: m > 4 ? 'team/app/hotfix' : 'team/app/ship' }));
      }
      const minutes = (list: { startedAt: string }[]) => list.map((d) => new Date(d.startedAt).getUTCMinutes());
      expect(minutes(await store.listDeployments({}))).toEqual([6, 5, 4, 3, 2, 1]);
      expect(minutes(await store.listDeployments({ environment: 'staging' }))).toEqual([6, 4, 2]);
      expect(minutes(await store.listDeployments({ flowUri: 'team/app/hotfix' }))).toEqual([6, 5]);
      expect(minutes(await store.listDeployments({ since: at(2), until: at(5) }))).toEqual([4, 3, 2]);
      expect(minutes(await store.listDeployments({ namespace: 'other' }))).toEqual([]);
      const page = await store.listDeployments({ limit: 2 });
      expect(minutes(page)).toEqual([6, 5]);
      expect(minutes(await store.listDeployments({ limit: 2, beforeId: page.at(-1)!.id }))).toEqual([4, 3]);
      expect(await store.listDeployments({ limit: 0 })).toHaveLength(1);
    });
  });

  describe('deploy queue', () => {
    const turn = (holder: string) => ({ holder, workflowId: `wf-${holder}`, since: at(1) });

    it('is first come, first served; joining again keeps the place; leaving lets the next deploy', async () => {
      expect((await store.joinDeployQueue('k', turn('a'))).map((t) => t.holder)).toEqual(['a']);
      expect((await store.joinDeployQueue('k', turn('b'))).map((t) => t.holder)).toEqual(['a', 'b']);
      expect(await store.joinDeployQueue('k', turn('a'))).toEqual([turn('a'), turn('b')]);
      expect(await store.deployQueue('other')).toEqual([]);
      expect(await store.leaveDeployQueue('k', 'a')).toBe(true);
      expect(await store.leaveDeployQueue('k', 'a')).toBe(false);
      expect((await store.joinDeployQueue('k', turn('a'))).map((t) => t.holder)).toEqual(['b', 'a']);
    });

    it('gives every holder of concurrent joins one place, and each a queue consistent with the final order', async () => {
      const others = await otherHandles(3);
      const holders = Array.from({ length: 12 }, (_, i) => `h${i}`);
      const seen = await Promise.all(holders.map((h, i) => others[i % 3]!.joinDeployQueue('k', turn(h))));
      const final = (await store.deployQueue('k')).map((t) => t.holder);
      expect([...final].sort()).toEqual([...holders].sort());
      // What a joiner saw is the final queue up to itself: nobody saw itself first unless it is.
      seen.forEach((queue, i) => {
        const mine = queue.map((t) => t.holder);
        const place = mine.indexOf(holders[i]!);
        expect(place).toBeGreaterThanOrEqual(0);
        expect(mine.slice(0, place + 1)).toEqual(final.slice(0, place + 1));
      });
      await Promise.all(holders.map((h, i) => others[i % 3]!.joinDeployQueue('k', turn(h))));
      expect((await store.deployQueue('k')).map((t) => t.holder)).toEqual(final);
    });
  });

  describe('incidents', () => {
    const alert = (key: string | undefined, minute: number) => ({
      namespace: NS, environment: 'production', application: 'app', title: 'error rate high', source: 'alertmanager' as const,
      ...(key === undefined ? {} : { externalKey: key }), openedAt: at(minute),
    });

    it('opens one incident per open external key, even at once; a resolved key opens a new one', async () => {
      const others = await otherHandles(2);
      const opened = await Promise.all([store, ...others].map((s) => s.openIncident(alert('fp1', 1))));
      expect(opened.filter((o) => o.created)).toHaveLength(1);
      expect(new Set(opened.map((o) => o.incident.id)).size).toBe(1);
      expect(opened[0]!.incident).toMatchObject({ environment: 'production', externalKey: 'fp1', openedAt: at(1), source: 'alertmanager' });
      expect(opened[0]!.incident).not.toHaveProperty('resolvedAt');
      expect((await store.openIncident({ ...alert('fp1', 2), namespace: 'other' })).created).toBe(true);

      const resolved = await store.resolveIncidentByKey(NS, 'fp1', at(5));
      expect(resolved).toMatchObject({ id: opened[0]!.incident.id, resolvedAt: at(5) });
      expect(await store.resolveIncidentByKey(NS, 'fp1', at(6))).toBeUndefined();
      const again = await store.openIncident(alert('fp1', 7));
      expect(again.created).toBe(true);
      expect(again.incident.id).not.toBe(opened[0]!.incident.id);
      // Without a key, every open is a new incident.
      expect((await store.openIncident(alert(undefined, 8))).created).toBe(true);
      expect((await store.openIncident(alert(undefined, 8))).created).toBe(true);
    });

    it('resolves by id once (a resolved one is returned unchanged; unknown is undefined)', async () => {
      const d = await store.startDeployment(newDeployment(1));
      const { incident } = await store.openIncident({ ...alert(undefined, 2), source: 'api', deploymentId: d.id, openedBy: 'ada' });
      expect(incident).toMatchObject({ deploymentId: d.id, openedBy: 'ada', source: 'api' });
      const resolved = await store.resolveIncident(incident.id, at(4));
      expect(resolved).toEqual({ ...incident, resolvedAt: at(4) });
      expect(await store.resolveIncident(incident.id, at(9))).toEqual(resolved);
      expect(await store.getIncident(incident.id)).toEqual(resolved);
      expect(await store.resolveIncident(incident.id + 100, at(9))).toBeUndefined();
    });

    it('lists newest first: open or resolved, by environment, and those open at some time in [since, until)', async () => {
      const ids: Record<string, number> = {};
      for (const [name, open, resolve, env] of [['early', 1, 3, 'production'], ['mid', 5, 8, 'production'], ['late', 10, undefined, 'production'], ['stg', 6, undefined, 'staging']] as const) {
        const { incident } = await store.openIncident({ ...alert(undefined, open), environment: env, title: name });
        ids[name] = incident.id;
        if (resolve !== undefined) await store.resolveIncident(incident.id, at(resolve));
      }
      const titles = async (q: Parameters<Store['listIncidents']>[0]) => (await store.listIncidents(q)).map((i) => i.title);
      expect(await titles({})).toEqual(['late', 'stg', 'mid', 'early']);
      expect(await titles({ open: true })).toEqual(['late', 'stg']);
      expect(await titles({ open: false })).toEqual(['mid', 'early']);
      expect(await titles({ environment: 'production' })).toEqual(['late', 'mid', 'early']);
      expect(await titles({ since: at(4), until: at(10) })).toEqual(['stg', 'mid']);
      expect(await titles({ limit: 1 })).toEqual(['late']);
    });
  });
}
