/** Signed-out sessions in the embedded store: the id until the session would have expired anyway. */
import type { DatabaseSync } from 'node:sqlite';
import type { SessionStore } from '../store.ts';
import { settle } from './settle.ts';

export function sqliteSessions(db: DatabaseSync): SessionStore {
  const prune = db.prepare('DELETE FROM revoked_sessions WHERE expires_at < ?');
  const revoke = db.prepare('INSERT INTO revoked_sessions (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
  const find = db.prepare('SELECT 1 AS found FROM revoked_sessions WHERE id = ?');
  return {
    revokeSession: (id, expiresAt) => settle(() => {
      prune.run(Date.now());
      revoke.run(id, expiresAt.getTime());
    }),
    isSessionRevoked: (id) => settle(() => find.get(id) !== undefined),
  };
}
