/**
 * Deployment records and the deploy queue of each pair, in PostgreSQL, for
 * several servers at once: a start is idempotent by the unique `key`; a
 * finish updates only a running row, and a succeeded rollback marks what it
 * undid in the same transaction; joins to one pair's queue take turns on an
 * advisory lock, so the order of `seq` is the order of commits.
 */
import { deploymentFilter, isoTime, listLimit, toDeployment, toTurn, type DeploymentRow, type TurnRow } from '../deployment-rows.ts';
import type { DeploymentStore } from '../store.ts';
import type { Database, Queryable } from './database.ts';
import { DEPLOY_QUEUE_LOCK_CLASS } from './locks.ts';

const COLUMNS = [
  'key', 'namespace', 'environment', 'application', 'kind', 'flow_uri', 'run_id', 'job_path', 'attempt', 'commit_sha', 'branch', 'repo',
  'images', 'user_name', 'strategy', 'manifest', 'manifest_digest', 'started_at', 'result', 'rollback_of', 'restores', 'commits',
];
const INSERT = `INSERT INTO deployments (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (key) DO NOTHING`;
const FINISH = `UPDATE deployments SET result = $1, finished_at = $2, reason = $3, manifest = COALESCE($4, manifest),
  manifest_digest = COALESCE($5, manifest_digest), images = COALESCE($6::jsonb, images), commits = COALESCE($7::jsonb, commits)
  WHERE id = $8 AND result = 'running' RETURNING *`;
const QUEUE = 'SELECT holder, workflow_id, since FROM deploy_queue WHERE key = $1 ORDER BY seq';

async function queueOf(q: Queryable, key: string) {
  return (await q.query<TurnRow>(QUEUE, [key])).map(toTurn);
}

export function postgresDeployments(db: Database): DeploymentStore {
  return {
    startDeployment: (d) => db.transaction(async (tx) => {
      await tx.query(INSERT, [
        d.key, d.namespace, d.environment, d.application, d.kind, d.flowUri ?? null, d.runId ?? null, d.jobPath ?? null, d.attempt ?? null,
        d.commit ?? null, d.branch ?? null, d.repo ?? null, JSON.stringify(d.images), d.user ?? null, d.strategy ?? null,
        d.manifest ?? null, d.manifestDigest ?? null, isoTime(d.startedAt), 'running', d.rollbackOf ?? null, d.restores ?? null,
        JSON.stringify(d.commits ?? []),
      ]);
      // READ COMMITTED: a start that lost the race to insert sees the winner's committed row.
      const [row] = await tx.query<DeploymentRow>('SELECT * FROM deployments WHERE key = $1', [d.key]);
      return toDeployment(row!);
    }),
    finishDeployment: (id, end) => db.transaction(async (tx) => {
      const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
      const [row] = await tx.query<DeploymentRow>(FINISH, [end.result, isoTime(end.finishedAt), end.reason ?? null, end.manifest ?? null,
        end.manifestDigest ?? null, json(end.images), json(end.commits), id]);
      if (row === undefined) {
        const [current] = await tx.query<DeploymentRow>('SELECT * FROM deployments WHERE id = $1', [id]);
        if (current === undefined) throw new Error(`no deployment ${id}`);
        return toDeployment(current);
      }
      if (row.kind === 'rollback' && row.result === 'succeeded' && row.rollback_of !== null) {
        await tx.query("UPDATE deployments SET result = 'rolled back' WHERE id = $1 AND result <> 'running'", [row.rollback_of]);
      }
      return toDeployment(row);
    }),
    async getDeployment(id) {
      const [row] = await db.query<DeploymentRow>('SELECT * FROM deployments WHERE id = $1', [id]);
      return row === undefined ? undefined : toDeployment(row);
    },
    async listDeployments(q) {
      const { where, params } = deploymentFilter(q, (n) => `$${n}`);
      const rows = await db.query<DeploymentRow>(`SELECT * FROM deployments ${where} ORDER BY id DESC LIMIT $${params.length + 1}`, [...params, listLimit(q)]);
      return rows.map(toDeployment);
    },
    async lastSuccessfulDeployment(namespace, environment, application, beforeId) {
      const [row] = await db.query<DeploymentRow>(
        `SELECT * FROM deployments WHERE namespace = $1 AND environment = $2 AND application = $3 AND result = 'succeeded'
         AND ($4::integer IS NULL OR id < $4) ORDER BY id DESC LIMIT 1`, [namespace, environment, application, beforeId ?? null]);
      return row === undefined ? undefined : toDeployment(row);
    },
    joinDeployQueue: (key, turn) => db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DEPLOY_QUEUE_LOCK_CLASS, key]);
      await tx.query('INSERT INTO deploy_queue (key, holder, workflow_id, since) VALUES ($1, $2, $3, $4) ON CONFLICT (key, holder) DO NOTHING',
        [key, turn.holder, turn.workflowId, isoTime(turn.since)]);
      return queueOf(tx, key);
    }),
    async leaveDeployQueue(key, holder) {
      return (await db.query('DELETE FROM deploy_queue WHERE key = $1 AND holder = $2 RETURNING seq', [key, holder])).length > 0;
    },
    deployQueue: (key) => queueOf(db, key),
  };
}
