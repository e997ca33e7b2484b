/** Service-job callback tokens in PostgreSQL (only their SHA-256 is kept). */
import type { CallbackClaim, CallbackStore } from '../store.ts';
import { tokenHash } from '../token-hash.ts';
import type { Database } from './database.ts';

/** Tokens expired longer ago than this are forgotten. */
const RETENTION_MS = 24 * 3600_000;

interface TargetRow { task_token: Buffer; run_id: string; job_path: string; attempt: number }

export function postgresCallbacks(db: Database): CallbackStore {
  return {
    async registerCallback(token, target, expiresAt) {
      await db.query('DELETE FROM callbacks WHERE expires_at < $1', [new Date(Date.now() - RETENTION_MS)]);
      // A fresh token is random: a conflict is this very insert, repeated after a lost reply.
      await db.query(
        'INSERT INTO callbacks (token_hash, task_token, run_id, job_path, attempt, expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [tokenHash(token), Buffer.from(target.taskToken), target.runId, target.jobPath, target.attempt, expiresAt],
      );
    },
    claimCallback: (token) => db.transaction(async (tx): Promise<CallbackClaim> => {
      const hash = tokenHash(token);
      // One statement: two concurrent callers cannot both see used_at NULL.
      const [row] = await tx.query<TargetRow>(
        'UPDATE callbacks SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL RETURNING task_token, run_id, job_path, attempt', [hash]);
      if (row !== undefined) {
        return { status: 'claimed', target: { taskToken: new Uint8Array(row.task_token), runId: row.run_id, jobPath: row.job_path, attempt: row.attempt } };
      }
      const exists = await tx.query('SELECT 1 FROM callbacks WHERE token_hash = $1', [hash]);
      return exists.length === 0 ? { status: 'unknown' } : { status: 'used' };
    }),
    async releaseCallback(token) {
      await db.query('UPDATE callbacks SET used_at = NULL WHERE token_hash = $1', [tokenHash(token)]);
    },
    async removeCallback(token) {
      await db.query('DELETE FROM callbacks WHERE token_hash = $1', [tokenHash(token)]);
    },
    async retargetCallback(hash, taskToken) {
      const rows = await db.query('UPDATE callbacks SET task_token = $1 WHERE token_hash = $2 AND used_at IS NULL RETURNING 1 AS ok', [Buffer.from(taskToken), hash]);
      return rows.length === 1;
    },
  };
}
