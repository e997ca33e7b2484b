/** Service-job callback tokens in the embedded store (only their SHA-256 is kept). */
import type { DatabaseSync } from 'node:sqlite';
import type { CallbackClaim, CallbackStore } from '../store.ts';
import { tokenHash } from '../token-hash.ts';
import { settle } from './settle.ts';

/** Tokens expired longer ago than this are forgotten. */
const RETENTION_MS = 24 * 3600_000;

export function sqliteCallbacks(db: DatabaseSync): CallbackStore {
  const insert = db.prepare('INSERT INTO callbacks (token_hash, task_token, run_id, job_path, attempt, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const prune = db.prepare('DELETE FROM callbacks WHERE expires_at < ?');
  // One statement: two concurrent callers cannot both see used_at NULL.
  const take = db.prepare('UPDATE callbacks SET used_at = ? WHERE token_hash = ? AND used_at IS NULL RETURNING task_token, run_id, job_path, attempt');
  const exists = db.prepare('SELECT 1 AS ok FROM callbacks WHERE token_hash = ?');
  const giveBack = db.prepare('UPDATE callbacks SET used_at = NULL WHERE token_hash = ?');
  const del = db.prepare('DELETE FROM callbacks WHERE token_hash = ?');
  const retarget = db.prepare('UPDATE callbacks SET task_token = ? WHERE token_hash = ? AND used_at IS NULL');
  return {
    registerCallback: (token, target, expiresAt) => settle(() => {
      prune.run(Date.now() - RETENTION_MS);
      insert.run(tokenHash(token), target.taskToken, target.runId, target.jobPath, target.attempt, expiresAt.getTime());
    }),
    claimCallback: (token) => settle((): CallbackClaim => {
      const hash = tokenHash(token);
      const row = take.get(Date.now(), hash) as { task_token: Uint8Array; run_id: string; job_path: string; attempt: number } | undefined;
      if (row !== undefined) {
        return { status: 'claimed', target: { taskToken: new Uint8Array(row.task_token), runId: row.run_id, jobPath: row.job_path, attempt: row.attempt } };
      }
      return exists.get(hash) === undefined ? { status: 'unknown' } : { status: 'used' };
    }),
    releaseCallback: (token) => settle(() => void giveBack.run(tokenHash(token))),
    removeCallback: (token) => settle(() => void del.run(tokenHash(token))),
    retargetCallback: (hash, taskToken) => settle(() => Number(retarget.run(taskToken, hash).changes) === 1),
  };
}
