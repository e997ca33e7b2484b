/**
 * Callback tokens of `service` jobs: a single-use token handed to a
 * third-party system, mapped to the Temporal task token of the activity
 * waiting for it. Only the token's SHA-256 is kept, so the table alone
 * cannot complete anything. A table of the embedded store's database file.
 */
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

/** Where a callback lands: the activity and the job attempt it completes. */
export interface CallbackTarget {
  readonly taskToken: Uint8Array;
  readonly runId: string;
  readonly jobPath: string;
  readonly attempt: number;
}

export type CallbackClaim =
  | { readonly status: 'claimed'; readonly target: CallbackTarget }
  /** The token was claimed before: a callback completes a job once. */
  | { readonly status: 'used' }
  | { readonly status: 'unknown' };

export interface CallbackStore {
  /** Registers a fresh token (its hash is stored); forgets tokens expired more than a day ago. */
  register(token: string, target: CallbackTarget, expiresAt: Date): void;
  /** Claims a token once: the first caller gets its target, every later one `used`. */
  claim(token: string): CallbackClaim;
  /** Gives a claimed token back (completing the activity failed for a passing reason). */
  release(token: string): void;
  /** Forgets a token (its call failed: nothing will call back). */
  remove(token: string): void;
  close(): void;
}

const RETENTION_MS = 24 * 3600_000;

/** The SHA-256 (hex) under which a token is stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Opens the `callbacks` table of the store's database file. */
export function openCallbackStore(file: string): CallbackStore {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
  db.exec(`CREATE TABLE IF NOT EXISTS callbacks (
    token_hash TEXT PRIMARY KEY, task_token BLOB NOT NULL, run_id TEXT NOT NULL, job_path TEXT NOT NULL,
    attempt INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER)`);
  const insert = db.prepare('INSERT INTO callbacks (token_hash, task_token, run_id, job_path, attempt, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const prune = db.prepare('DELETE FROM callbacks WHERE expires_at < ?');
  // One statement: two concurrent callers cannot both see used_at NULL.
  const take = db.prepare('UPDATE callbacks SET used_at = ? WHERE token_hash = ? AND used_at IS NULL RETURNING task_token, run_id, job_path, attempt');
  const exists = db.prepare('SELECT 1 AS ok FROM callbacks WHERE token_hash = ?');
  const giveBack = db.prepare('UPDATE callbacks SET used_at = NULL WHERE token_hash = ?');
  const del = db.prepare('DELETE FROM callbacks WHERE token_hash = ?');
  return {
    register(token, target, expiresAt) {
      prune.run(Date.now() - RETENTION_MS);
      insert.run(tokenHash(token), target.taskToken, target.runId, target.jobPath, target.attempt, expiresAt.getTime());
    },
    claim(token) {
      const hash = tokenHash(token);
      const row = take.get(Date.now(), hash) as { task_token: Uint8Array; run_id: string; job_path: string; attempt: number } | undefined;
      if (row !== undefined) {
        return { status: 'claimed', target: { taskToken: new Uint8Array(row.task_token), runId: row.run_id, jobPath: row.job_path, attempt: row.attempt } };
      }
      return exists.get(hash) === undefined ? { status: 'unknown' } : { status: 'used' };
    },
    release(token) {
      giveBack.run(tokenHash(token));
    },
    remove(token) {
      del.run(tokenHash(token));
    },
    close() {
      db.close();
    },
  };
}
