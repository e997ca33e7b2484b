/** Environments files, one per namespace with their versions, in the embedded store. */
import type { DatabaseSync } from 'node:sqlite';
import { toEnvironments, type EnvironmentsRow } from '../deployment-rows.ts';
import type { EnvironmentStore } from '../store.ts';
import { settle } from './settle.ts';
import { inTransaction } from './transaction.ts';

export function sqliteEnvironments(db: DatabaseSync): EnvironmentStore {
  const latest = db.prepare('SELECT * FROM environments WHERE namespace = ? ORDER BY version DESC LIMIT 1');
  const insert = db.prepare('INSERT INTO environments (namespace, version, source, spec, created_at) VALUES (?, ?, ?, ?, ?)');
  const allLatest = db.prepare(
    'SELECT e.* FROM environments e JOIN (SELECT namespace, MAX(version) v FROM environments GROUP BY namespace) m ' +
    'ON e.namespace = m.namespace AND e.version = m.v ORDER BY e.namespace');
  return {
    applyEnvironments(spec, source) {
      return settle(() => inTransaction(db, () => {
        const row = latest.get(spec.namespace) as EnvironmentsRow | undefined;
        if (row && row.source === source) return { stored: toEnvironments(row), created: false };
        const version = (row?.version ?? 0) + 1;
        const createdAt = new Date().toISOString();
        insert.run(spec.namespace, version, source, JSON.stringify(spec), createdAt);
        return { stored: { namespace: spec.namespace, version, source, spec, createdAt }, created: true };
      }));
    },
    getEnvironments: (namespace) => settle(() => {
      const row = latest.get(namespace) as EnvironmentsRow | undefined;
      return row ? toEnvironments(row) : undefined;
    }),
    listEnvironments: () => settle(() => (allLatest.all() as unknown as EnvironmentsRow[]).map(toEnvironments)),
  };
}
