/** Signed-out sessions in PostgreSQL: the id until the session would have expired anyway. */
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
  };
}
