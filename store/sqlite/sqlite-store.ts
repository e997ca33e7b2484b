/**
 * The embedded store: one SQLite file in the data directory (node:sqlite),
 * in WAL mode so a worker and an API process on one machine can share it.
 * The driver is synchronous; every method completes before it returns, so a
 * transaction never interleaves with another call of this process.
 */
import { DatabaseSync } from 'node:sqlite';
import type { Store } from '../store.ts';
import { sqliteCallbacks } from './callbacks.ts';
import { sqliteFlows } from './flows.ts';
import { sqliteLogs } from './logs.ts';
import { migrate } from './migrations.ts';
import { sqliteSecrets } from './secrets.ts';
import { settle } from './settle.ts';

/** Opens (and creates or migrates when needed) the embedded store at `file`. */
export function openSqliteStore(file: string): Promise<Store> {
  return settle(() => storeAt(file));
}

function storeAt(file: string): Store {
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
    migrate(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  const version = db.prepare('SELECT MAX(version) AS v FROM schema_version');
  const one = db.prepare('SELECT 1 AS ok');
  let closed = false;
  return {
    kind: 'sqlite',
    ...sqliteFlows(db),
    ...sqliteLogs(db),
    ...sqliteCallbacks(db),
    ...sqliteSecrets(db),
    schemaVersion: () => settle(() => (version.get() as { v: number }).v),
    ping: () => settle(() => void one.get()),
    close() {
      if (!closed) db.close();
      closed = true;
      return Promise.resolve();
    },
  };
}
