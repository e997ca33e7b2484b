/** Sealed secrets in PostgreSQL (encrypted by store/secret-box.ts before they get here). */
import type { SecretStore } from '../store.ts';
import type { Database } from './database.ts';

interface SealedRow { iv: Buffer; data: Buffer; tag: Buffer }

export function postgresSecrets(db: Database): SecretStore {
  return {
    async putSecret(name, sealed) {
      await db.query(
        `INSERT INTO secrets (name, iv, data, tag, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (name) DO UPDATE SET iv = excluded.iv, data = excluded.data, tag = excluded.tag, updated_at = excluded.updated_at`,
        [name, Buffer.from(sealed.iv), Buffer.from(sealed.data), Buffer.from(sealed.tag)],
      );
    },
    async getSecret(name) {
      const [row] = await db.query<SealedRow>('SELECT iv, data, tag FROM secrets WHERE name = $1', [name]);
      return row === undefined ? undefined : { iv: new Uint8Array(row.iv), data: new Uint8Array(row.data), tag: new Uint8Array(row.tag) };
    },
    // In a transaction: after a lost reply, "was it there" is looked up, not asked again of a table it is gone from.
    deleteSecret: (name) => db.transaction(async (tx) => (await tx.query('DELETE FROM secrets WHERE name = $1 RETURNING name', [name])).length > 0),
    async listSecretNames() {
      const rows = await db.query<{ name: string }>('SELECT name FROM secrets ORDER BY name');
      return rows.map((r) => r.name);
    },
  };
}
