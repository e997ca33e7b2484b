/**
 * The embedded store: one SQLite file in the data directory (node:sqlite),
 * in WAL mode so a worker and an API process on one machine can share it.
 * The driver is synchronous; every method completes before it returns, so a
 * transaction never interleaves with another call of this process.
 */
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as delay } from 'node:timers/promises';
import type { MigrationReport } from '../schema.ts';
import type { Store } from '../store.ts';
import { sqliteCallbacks } from './callbacks.ts';
import { sqliteDeployments } from './deployments.ts';
import { sqliteEnvironments } from './environments.ts';
import { sqliteFlows } from './flows.ts';
import { sqliteIncidents } from './incidents.ts';
import { sqliteLogs } from './logs.ts';
import { migrate } from './migrations.ts';
import { sqliteSecrets } from './secrets.ts';
import { sqliteSessions } from './sessions.ts';
import { settle } from './settle.ts';

/** How long a call waits for another process's write lock. */
const BUSY_TIMEOUT_MS = 5_000;

/** Opens (and creates or migrates when needed) the embedded store at `file`. */
export async function openSqliteStore(file: string): Promise<Store> {
  const { db } = await openMigrated(file);
  return storeOn(db);
}

/** Creates or migrates the embedded store at `file` (what opening it does), and says what changed. */
export async function migrateSqliteStore(file: string): Promise<MigrationReport> {
  const { db, report } = await openMigrated(file);
  db.close();
  return report;
}

async function openMigrated(file: string): Promise<{ db: DatabaseSync; report: MigrationReport }> {
  const db = new DatabaseSync(file);
  try {
    // The busy timeout first: migrating waits for the lock another process holds.
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await switchToWal(db);
    db.exec('PRAGMA synchronous = NORMAL');
    return { db, report: migrate(db, file) };
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Puts the file in WAL mode. While another process opens the same file, SQLite
 * fails the switch at once instead of waiting out the busy timeout (waiting
 * could deadlock), so a busy switch is tried again until that timeout passed.
 */
async function switchToWal(db: DatabaseSync): Promise<void> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) throw err;
      await delay(5 + Math.random() * 20);
    }
  }
}

/** SQLITE_BUSY, or one of its extended codes. */
function isBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'errcode' in err && typeof err.errcode === 'number' && (err.errcode & 0xff) === 5;
}

function storeOn(db: DatabaseSync): Store {
  const version = db.prepare('SELECT MAX(version) AS v FROM schema_version');
  const one = db.prepare('SELECT 1 AS ok');
  let closed = false;
  return {
    kind: 'sqlite',
    ...sqliteFlows(db),
    ...sqliteLogs(db),
    ...sqliteCallbacks(db),
    ...sqliteSecrets(db),
    ...sqliteSessions(db),
    ...sqliteEnvironments(db),
    ...sqliteDeployments(db),
    ...sqliteIncidents(db),
    schemaVersion: () => settle(() => (version.get() as { v: number }).v),
    ping: () => settle(() => void one.get()),
    close() {
      if (!closed) db.close();
      closed = true;
      return Promise.resolve();
    },
  };
}
