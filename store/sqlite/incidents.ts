/** Incidents in the embedded store: one open incident per external key and namespace. */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { incidentFilter, isoTime, listLimit, toIncident, type IncidentRow } from '../deployment-rows.ts';
import type { IncidentStore } from '../store.ts';
import { settle } from './settle.ts';
import { inTransaction } from './transaction.ts';

export function sqliteIncidents(db: DatabaseSync): IncidentStore {
  const openByKey = db.prepare('SELECT * FROM incidents WHERE namespace = ? AND external_key = ? AND resolved_at IS NULL');
  const insert = db.prepare(`INSERT INTO incidents (namespace, environment, application, deployment_id, title, source, external_key, opened_at, opened_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const byId = db.prepare('SELECT * FROM incidents WHERE id = ?');
  const resolve = db.prepare('UPDATE incidents SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL RETURNING *');
  const resolveKey = db.prepare('UPDATE incidents SET resolved_at = ? WHERE namespace = ? AND external_key = ? AND resolved_at IS NULL RETURNING *');
  return {
    openIncident: (i) => settle(() => inTransaction(db, () => {
      if (i.externalKey !== undefined) {
        const open = openByKey.get(i.namespace, i.externalKey) as IncidentRow | undefined;
        if (open) return { incident: toIncident(open), created: false };
      }
      const row = insert.get(i.namespace, i.environment, i.application ?? null, i.deploymentId ?? null, i.title, i.source,
        i.externalKey ?? null, isoTime(i.openedAt), i.openedBy ?? null) as unknown as IncidentRow;
      return { incident: toIncident(row), created: true };
    })),
    resolveIncident: (id, resolvedAt) => settle(() => {
      const row = (resolve.get(isoTime(resolvedAt), id) ?? byId.get(id)) as IncidentRow | undefined;
      return row ? toIncident(row) : undefined;
    }),
    resolveIncidentByKey: (namespace, externalKey, resolvedAt) => settle(() => {
      const row = resolveKey.get(isoTime(resolvedAt), namespace, externalKey) as IncidentRow | undefined;
      return row ? toIncident(row) : undefined;
    }),
    getIncident: (id) => settle(() => {
      const row = byId.get(id) as IncidentRow | undefined;
      return row ? toIncident(row) : undefined;
    }),
    listIncidents: (q) => settle(() => {
      const { where, params } = incidentFilter(q, () => '?');
      const rows = db.prepare(`SELECT * FROM incidents ${where} ORDER BY opened_at DESC, id DESC LIMIT ?`).all(...(params as SQLInputValue[]), listLimit(q));
      return (rows as unknown as IncidentRow[]).map(toIncident);
    }),
  };
}
