/** Flows, their versions, run numbers and delivery claims in the embedded store. */
import type { DatabaseSync } from 'node:sqlite';
import type { FlowSpec } from '../../flow/model.ts';
import type { FlowStore, RunNumberStore, StoredFlow } from '../store.ts';
import { settle } from './settle.ts';
import { inTransaction } from './transaction.ts';

interface FlowRow { uri: string; version: number; source: string; spec: string; created_at: string }

function toFlow(row: FlowRow): StoredFlow {
  return { uri: row.uri, version: row.version, source: row.source, spec: JSON.parse(row.spec) as FlowSpec, createdAt: row.created_at };
}

export function sqliteFlows(db: DatabaseSync): FlowStore & RunNumberStore {
  const latestFlow = db.prepare('SELECT * FROM flows WHERE uri = ? ORDER BY version DESC LIMIT 1');
  const flowAt = db.prepare('SELECT * FROM flows WHERE uri = ? AND version = ?');
  const insertFlow = db.prepare('INSERT INTO flows (uri, version, source, spec, created_at) VALUES (?, ?, ?, ?, ?)');
  const allLatest = db.prepare(
    'SELECT f.* FROM flows f JOIN (SELECT uri, MAX(version) v FROM flows GROUP BY uri) m ON f.uri = m.uri AND f.version = m.v ORDER BY f.uri');
  const versionsOf = db.prepare('SELECT version, created_at FROM flows WHERE uri = ? ORDER BY version');
  const bumpRun = db.prepare(
    'INSERT INTO run_numbers (uri, last) VALUES (?, 1) ON CONFLICT (uri) DO UPDATE SET last = last + 1 RETURNING last');
  const deliveryNumber = db.prepare('SELECT number FROM deliveries WHERE uri = ? AND key = ?');
  const insertDelivery = db.prepare('INSERT INTO deliveries (uri, key, number) VALUES (?, ?, ?)');

  return {
    applyFlow(spec, source) {
      return settle(() => inTransaction(db, () => {
        const latest = latestFlow.get(spec.uri) as FlowRow | undefined;
        if (latest && latest.source === source) return { flow: toFlow(latest), created: false };
        const version = (latest?.version ?? 0) + 1;
        const createdAt = new Date().toISOString();
        insertFlow.run(spec.uri, version, source, JSON.stringify(spec), createdAt);
        return { flow: { uri: spec.uri, version, source, spec, createdAt }, created: true };
      }));
    },
    getFlow: (uri, version) => settle(() => {
      const row = (version === undefined ? latestFlow.get(uri) : flowAt.get(uri, version)) as FlowRow | undefined;
      return row ? toFlow(row) : undefined;
    }),
    listFlows: () => settle(() => (allLatest.all() as unknown as FlowRow[]).map(toFlow)),
    flowVersions: (uri) => settle(() => {
      const rows = versionsOf.all(uri) as unknown as { version: number; created_at: string }[];
      return rows.map((r) => ({ version: r.version, createdAt: r.created_at }));
    }),
    nextRunNumber: (uri) => settle(() => (bumpRun.get(uri) as { last: number }).last),
    claimRunNumber(uri, key) {
      return settle(() => inTransaction(db, () => {
        const known = deliveryNumber.get(uri, key) as { number: number } | undefined;
        if (known) return { number: known.number, fresh: false };
        const number = (bumpRun.get(uri) as { last: number }).last;
        insertDelivery.run(uri, key, number);
        return { number, fresh: true };
      }));
    },
  };
}
