/** Deployment records and the deploy queue of each pair, in the embedded store. */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { deploymentFilter, isoTime, listLimit, toDeployment, toTurn, type DeploymentRow, type TurnRow } from '../deployment-rows.ts';
import type { DeploymentStore } from '../store.ts';
import { settle } from './settle.ts';
import { inTransaction } from './transaction.ts';

const COLUMNS = [
  'key', 'namespace', 'environment', 'application', 'kind', 'flow_uri', 'run_id', 'job_path', 'attempt', 'commit_sha', 'branch', 'repo',
  'images', 'user_name', 'strategy', 'manifest', 'manifest_digest', 'started_at', 'result', 'rollback_of', 'restores', 'commits',
];

export function sqliteDeployments(db: DatabaseSync): DeploymentStore {
  const insert = db.prepare(
    `INSERT INTO deployments (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (key) DO NOTHING`);
  const byKey = db.prepare('SELECT * FROM deployments WHERE key = ?');
  const byId = db.prepare('SELECT * FROM deployments WHERE id = ?');
  const finish = db.prepare(`UPDATE deployments SET result = ?, finished_at = ?, reason = ?, manifest = COALESCE(?, manifest),
    manifest_digest = COALESCE(?, manifest_digest), images = COALESCE(?, images), commits = COALESCE(?, commits)
    WHERE id = ? AND result = 'running' RETURNING *`);
  const markRolledBack = db.prepare("UPDATE deployments SET result = 'rolled back' WHERE id = ? AND result <> 'running'");
  const lastGood = db.prepare(
    "SELECT * FROM deployments WHERE namespace = ? AND environment = ? AND application = ? AND result = 'succeeded' AND id < ? ORDER BY id DESC LIMIT 1");
  const joinQueue = db.prepare('INSERT INTO deploy_queue (key, holder, workflow_id, since) VALUES (?, ?, ?, ?) ON CONFLICT (key, holder) DO NOTHING');
  const queueOf = db.prepare('SELECT holder, workflow_id, since FROM deploy_queue WHERE key = ? ORDER BY seq');
  const leaveQueue = db.prepare('DELETE FROM deploy_queue WHERE key = ? AND holder = ?');
  const queue = (key: string) => (queueOf.all(key) as unknown as TurnRow[]).map(toTurn);

  return {
    startDeployment: (d) => settle(() => inTransaction(db, () => {
      const values: SQLInputValue[] = [
        d.key, d.namespace, d.environment, d.application, d.kind, d.flowUri ?? null, d.runId ?? null, d.jobPath ?? null, d.attempt ?? null,
        d.commit ?? null, d.branch ?? null, d.repo ?? null, JSON.stringify(d.images), d.user ?? null, d.strategy ?? null,
        d.manifest ?? null, d.manifestDigest ?? null, isoTime(d.startedAt), 'running', d.rollbackOf ?? null, d.restores ?? null,
        JSON.stringify(d.commits ?? []),
      ];
      insert.run(...values);
      return toDeployment(byKey.get(d.key) as unknown as DeploymentRow);
    })),
    finishDeployment: (id, end) => settle(() => inTransaction(db, () => {
      const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
      const row = finish.get(end.result, isoTime(end.finishedAt), end.reason ?? null, end.manifest ?? null, end.manifestDigest ?? null,
        json(end.images), json(end.commits), id) as DeploymentRow | undefined;
      if (row === undefined) {
        const current = byId.get(id) as DeploymentRow | undefined;
        if (current === undefined) throw new Error(`no deployment ${id}`);
        return toDeployment(current);
      }
      if (row.kind === 'rollback' && row.result === 'succeeded' && row.rollback_of !== null) markRolledBack.run(row.rollback_of);
      return toDeployment(row);
    })),
    getDeployment: (id) => settle(() => {
      const row = byId.get(id) as DeploymentRow | undefined;
      return row ? toDeployment(row) : undefined;
    }),
    listDeployments: (q) => settle(() => {
      const { where, params } = deploymentFilter(q, () => '?');
      const rows = db.prepare(`SELECT * FROM deployments ${where} ORDER BY id DESC LIMIT ?`).all(...(params as SQLInputValue[]), listLimit(q));
      return (rows as unknown as DeploymentRow[]).map(toDeployment);
    }),
    lastSuccessfulDeployment: (namespace, environment, application, beforeId) => settle(() => {
      const row = lastGood.get(namespace, environment, application, beforeId ?? Number.MAX_SAFE_INTEGER) as DeploymentRow | undefined;
      return row ? toDeployment(row) : undefined;
    }),
    joinDeployQueue: (key, turn) => settle(() => inTransaction(db, () => {
      joinQueue.run(key, turn.holder, turn.workflowId, isoTime(turn.since));
      return queue(key);
    })),
    leaveDeployQueue: (key, holder) => settle(() => Number(leaveQueue.run(key, holder).changes) > 0),
    deployQueue: (key) => settle(() => queue(key)),
  };
}
