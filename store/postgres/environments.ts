/** Environments files, one per namespace with their versions, in PostgreSQL. */
import type { EnvironmentsSpec, StoredEnvironments } from '../../contracts/environments.ts';
import { toEnvironments, type EnvironmentsRow } from '../deployment-rows.ts';
import type { EnvironmentStore } from '../store.ts';
import type { Database, Queryable } from './database.ts';

const LATEST = 'SELECT * FROM environments WHERE namespace = $1 ORDER BY version DESC LIMIT 1';

/** Like a flow's versions (store/postgres/flows.ts): the primary key lets one of two racing applies in; the other reads again. */
async function applyIn(tx: Queryable, spec: EnvironmentsSpec, source: string): Promise<{ stored: StoredEnvironments; created: boolean }> {
  for (;;) {
    const [latest] = await tx.query<EnvironmentsRow>(LATEST, [spec.namespace]);
    if (latest !== undefined && latest.source === source) return { stored: toEnvironments(latest), created: false };
    const version = (latest?.version ?? 0) + 1;
    const createdAt = new Date().toISOString();
    const inserted = await tx.query(
      'INSERT INTO environments (namespace, version, source, spec, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING version',
      [spec.namespace, version, source, JSON.stringify(spec), createdAt],
    );
    if (inserted.length > 0) return { stored: { namespace: spec.namespace, version, source, spec, createdAt }, created: true };
  }
}

export function postgresEnvironments(db: Database): EnvironmentStore {
  return {
    applyEnvironments: (spec, source) => db.transaction((tx) => applyIn(tx, spec, source)),
    async getEnvironments(namespace) {
      const [row] = await db.query<EnvironmentsRow>(LATEST, [namespace]);
      return row === undefined ? undefined : toEnvironments(row);
    },
    async listEnvironments() {
      const rows = await db.query<EnvironmentsRow>('SELECT DISTINCT ON (namespace) * FROM environments ORDER BY namespace, version DESC');
      return rows.map(toEnvironments);
    },
  };
}
