/**
 * Secrets (`${{ secrets.NAME }}`): where their values come from. One
 * interface, {@link SecretResolver}, in front of three providers: the
 * environment (`COFLOW_SECRET_<NAME>`), a file (`COFLOW_SECRETS_FILE`), and
 * the embedded store, where values are encrypted at rest with AES-256-GCM.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

/** Resolves a secret by name; undefined when no provider has it. */
export interface SecretResolver {
  resolveSecret(name: string): string | undefined;
}

export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `COFLOW_SECRET_<NAME>` variables. */
export function envSecrets(env: NodeJS.ProcessEnv): SecretResolver {
  return { resolveSecret: (name) => (SECRET_NAME.test(name) ? env[`COFLOW_SECRET_${name}`] : undefined) };
}

/** A file of secrets: a JSON object `{ "NAME": "value" }`, or `NAME=value` lines (`#` comments). Read once. */
export function fileSecrets(path: string): SecretResolver {
  const text = readFileSync(path, 'utf8');
  const values = new Map<string, string>();
  if (text.trimStart().startsWith('{')) {
    for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, unknown>)) if (typeof v === 'string') values.set(k, v);
  } else {
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
      if (m !== null && !line.trimStart().startsWith('#')) values.set(m[1] ?? '', m[2] ?? '');
    }
  }
  return { resolveSecret: (name) => values.get(name) };
}

/** The first provider that has the secret wins. */
export function chainSecrets(...resolvers: readonly SecretResolver[]): SecretResolver {
  return {
    resolveSecret(name) {
      for (const r of resolvers) {
        const v = r.resolveSecret(name);
        if (v !== undefined) return v;
      }
      return undefined;
    },
  };
}

/** Secrets kept in the embedded SQLite file, encrypted with AES-256-GCM (the name is the additional data). */
export interface SecretStore extends SecretResolver {
  setSecret(name: string, value: string): void;
  deleteSecret(name: string): boolean;
  listSecretNames(): string[];
  close(): void;
}

/** Opens the `secrets` table of the store's database file; `key` is 32 bytes. */
export function openSecretStore(file: string, key: Buffer): SecretStore {
  if (key.length !== 32) throw new Error('the secrets key must be 32 bytes (AES-256)');
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
  db.exec('CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, iv BLOB NOT NULL, data BLOB NOT NULL, tag BLOB NOT NULL, updated_at TEXT NOT NULL)');
  const put = db.prepare(
    'INSERT INTO secrets (name, iv, data, tag, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET iv = excluded.iv, data = excluded.data, tag = excluded.tag, updated_at = excluded.updated_at',
  );
  const get = db.prepare('SELECT iv, data, tag FROM secrets WHERE name = ?');
  const del = db.prepare('DELETE FROM secrets WHERE name = ?');
  const names = db.prepare('SELECT name FROM secrets ORDER BY name');
  return {
    setSecret(name, value) {
      if (!SECRET_NAME.test(name)) throw new Error(`"${name}" is not a secret name (letters, digits and _)`);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(name));
      const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      put.run(name, iv, data, cipher.getAuthTag(), new Date().toISOString());
    },
    resolveSecret(name) {
      const row = get.get(name) as { iv: Uint8Array; data: Uint8Array; tag: Uint8Array } | undefined;
      if (row === undefined) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', key, row.iv).setAAD(Buffer.from(name)).setAuthTag(row.tag);
      return Buffer.concat([decipher.update(row.data), decipher.final()]).toString('utf8');
    },
    deleteSecret(name) {
      return Number(del.run(name).changes) > 0;
    },
    listSecretNames() {
      return (names.all() as { name: string }[]).map((r) => r.name);
    },
    close() {
      db.close();
    },
  };
}
