/** Signed-out sessions in the embedded store: each until the session would have expired anyway. */
import type { DatabaseSync } from 'node:sqlite';
import type { SessionStore } from '../store.ts';
import { settle } from './settle.ts';

export function sqliteSessions(db: DatabaseSync): SessionStore {
  const prune = db.prepare('DELETE FROM revoked_sessions WHERE expires_at < ?');
  const revoke = db.prepare('INSERT INTO revoked_sessions (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
  const find = db.prepare('SELECT 1 AS found FROM revoked_sessions WHERE id = ?');
  const pruneUsers = db.prepare('DELETE FROM revoked_user_sessions WHERE expires_at < ?');
  const revokeUser = db.prepare(
    `INSERT INTO revoked_user_sessions (user, before, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (user) DO UPDATE SET before = MAX(before, excluded.before), expires_at = MAX(expires_at, excluded.expires_at)`,
  );
  const findUser = db.prepare('SELECT before FROM revoked_user_sessions WHERE user = ?');
  return {
    revokeSession: (id, expiresAt) => settle(() => {
      prune.run(Date.now());
      revoke.run(id, expiresAt.getTime());
    }),
    isSessionRevoked: (id) => settle(() => find.get(id) !== undefined),
    revokeUserSessions: (user, before, expiresAt) => settle(() => {
      pruneUsers.run(Date.now());
      revokeUser.run(user, before.getTime(), expiresAt.getTime());
    }),
    userSessionsRevokedBefore: (user) => settle(() => {
      const row = findUser.get(user) as { before: number } | undefined;
      return row === undefined ? undefined : new Date(row.before);
    }),
  };
}
