/** Signed-out sessions in PostgreSQL: each until the session would have expired anyway. */
import type { SessionStore } from '../store.ts';
import type { Database } from './database.ts';

export function postgresSessions(db: Database): SessionStore {
  return {
    async revokeSession(id, expiresAt) {
      await db.query('DELETE FROM revoked_sessions WHERE expires_at < now()');
      await db.query('INSERT INTO revoked_sessions (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, expiresAt]);
    },
    async isSessionRevoked(id) {
      return (await db.query('SELECT 1 FROM revoked_sessions WHERE id = $1', [id])).length > 0;
    },
    async revokeUserSessions(user, before, expiresAt) {
      await db.query('DELETE FROM revoked_user_sessions WHERE expires_at < now()');
      await db.query(
        `INSERT INTO revoked_user_sessions (username, before, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (username) DO UPDATE SET before = GREATEST(revoked_user_sessions.before, excluded.before),
           expires_at = GREATEST(revoked_user_sessions.expires_at, excluded.expires_at)`,
        [user, before, expiresAt],
      );
    },
    async userSessionsRevokedBefore(user) {
      const [row] = await db.query<{ before: Date }>('SELECT before FROM revoked_user_sessions WHERE username = $1', [user]);
      return row?.before;
    },
  };
}
