/**
 * Incidents in PostgreSQL. One open incident per external key and namespace
 * is a partial unique index: of two servers opening the same alert at once,
 * one inserts and the other gets that row.
 */
import { incidentFilter, isoTime, listLimit, toIncident, type IncidentRow } from '../deployment-rows.ts';
import type { IncidentStore } from '../store.ts';
import type { Database } from './database.ts';

const INSERT = `INSERT INTO incidents (namespace, environment, application, deployment_id, title, source, external_key, opened_at, opened_by)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (namespace, external_key) WHERE resolved_at IS NULL AND external_key IS NOT NULL DO NOTHING RETURNING *`;
const OPEN_BY_KEY = 'SELECT * FROM incidents WHERE namespace = $1 AND external_key = $2 AND resolved_at IS NULL';

export function postgresIncidents(db: Database): IncidentStore {
  return {
    openIncident: (i) => db.transaction(async (tx) => {
      for (;;) {
        const [row] = await tx.query<IncidentRow>(INSERT, [i.namespace, i.environment, i.application ?? null, i.deploymentId ?? null, i.title,
          i.source, i.externalKey ?? null, isoTime(i.openedAt), i.openedBy ?? null]);
        if (row !== undefined) return { incident: toIncident(row), created: true };
        // Another open incident has the key; if it was resolved meanwhile, insert again.
        const [open] = await tx.query<IncidentRow>(OPEN_BY_KEY, [i.namespace, i.externalKey]);
        if (open !== undefined) return { incident: toIncident(open), created: false };
      }
    }),
    async resolveIncident(id, resolvedAt) {
      const [row] = await db.query<IncidentRow>(
        `WITH done AS (UPDATE incidents SET resolved_at = $2 WHERE id = $1 AND resolved_at IS NULL RETURNING *)
         SELECT * FROM done UNION ALL SELECT * FROM incidents WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM done)`, [id, isoTime(resolvedAt)]);
      return row === undefined ? undefined : toIncident(row);
    },
    async resolveIncidentByKey(namespace, externalKey, resolvedAt) {
      const [row] = await db.query<IncidentRow>(
        'UPDATE incidents SET resolved_at = $3 WHERE namespace = $1 AND external_key = $2 AND resolved_at IS NULL RETURNING *',
        [namespace, externalKey, isoTime(resolvedAt)]);
      return row === undefined ? undefined : toIncident(row);
    },
    async getIncident(id) {
      const [row] = await db.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id]);
      return row === undefined ? undefined : toIncident(row);
    },
    async listIncidents(q) {
      const { where, params } = incidentFilter(q, (n) => `$${n}`);
      const rows = await db.query<IncidentRow>(
        `SELECT * FROM incidents ${where} ORDER BY opened_at DESC, id DESC LIMIT $${params.length + 1}`, [...params, listLimit(q)]);
      return rows.map(toIncident);
    },
  };
}
