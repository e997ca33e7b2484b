/** Sealed secrets in the embedded store (encrypted by store/secret-box.ts before they get here). */
import type { DatabaseSync } from 'node:sqlite';
import type { SecretStore } from '../store.ts';
import { settle } from './settle.ts';

export function sqliteSecrets(db: DatabaseSync): SecretStore {
  const put = db.prepare(
    'INSERT INTO secrets (name, iv, data, tag, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET iv = excluded.iv, data = excluded.data, tag = excluded.tag, updated_at = excluded.updated_at',
  );
  const get = db.prepare('SELECT iv, data, tag FROM secrets WHERE name = ?');
  const del = db.prepare('DELETE FROM secrets WHERE name = ?');
  const names = db.prepare('SELECT name FROM secrets ORDER BY name');
  return {
    putSecret: (name, sealed) => settle(() => void put.run(name, sealed.iv, sealed.data, sealed.tag, new Date().toISOString())),
    getSecret: (name) => settle(() => {
      const row = get.get(name) as { iv: Uint8Array; data: Uint8Array; tag: Uint8Array } | undefined;
      return row === undefined ? undefined : { iv: row.iv, data: row.data, tag: row.tag };
    }),
    deleteSecret: (name) => settle(() => Number(del.run(name).changes) > 0),
    listSecretNames: () => settle(() => (names.all() as { name: string }[]).map((r) => r.name)),
  };
}
