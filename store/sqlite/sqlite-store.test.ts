import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimAtOnce } from '../../test/support/claimers.ts';
import { storeSuite } from '../../test/support/store-suite.ts';
import { SchemaTooNewError } from '../errors.ts';
import { tokenHash } from '../token-hash.ts';
import { SCHEMA_STEPS } from '../schema.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { migrateSqliteStore, openSqliteStore } from './sqlite-store.ts';

const LATEST = SQLITE_MIGRATIONS.at(-1)!.version;

describe('the embedded store', () => {
  storeSuite({
    kind: 'sqlite',
    latestSchemaVersion: LATEST,
    create() {
      const dir = mkdtempSync(join(tmpdir(), 'coflow-store-'));
      const file = join(dir, 'coflow.db');
      return Promise.resolve({
        open: () => openSqliteStore(file),
        destroy: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
      });
    },
  });
});

describe('the embedded store file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coflow-sqlite-'));
    file = join(dir, 'coflow.db');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `fn` on the raw database file, outside the store. */
  function raw<T>(fn: (db: DatabaseSync) => T): T {
    const db = new DatabaseSync(file);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  it('keeps only the SHA-256 of a callback token', async () => {
    const store = await openSqliteStore(file);
    await store.registerCallback('plain-token', { taskToken: new Uint8Array([1, 2, 3]), runId: 'a/b/c#1', jobPath: 's.a.j', attempt: 2 }, new Date(Date.now() + 60_000));
    await store.close();
    const rows = raw((db) => db.prepare('SELECT token_hash FROM callbacks').all());
    expect(rows).toEqual([{ token_hash: tokenHash('plain-token') }]);
    expect(tokenHash('plain-token')).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file).includes('plain-token')).toBe(false);
  });

  describe('migrations', () => {
    it('brings a database made before migrations existed to the latest version, keeping its data', async () => {
      raw((db) => {
        // The schema coflow created before schema_version existed (migration 1, as released).
        db.exec(`
CREATE TABLE IF NOT EXISTS flows (
  uri TEXT NOT NULL, version INTEGER NOT NULL, source TEXT NOT NULL,
  spec TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (uri, version));
CREATE TABLE IF NOT EXISTS run_numbers (uri TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (uri TEXT NOT NULL, key TEXT NOT NULL, number INTEGER NOT NULL, PRIMARY KEY (uri, key));
CREATE TABLE IF NOT EXISTS logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL, job_path TEXT NOT NULL, attempt INTEGER NOT NULL, seq INTEGER NOT NULL,
  ts INTEGER NOT NULL, stream TEXT NOT NULL, text TEXT NOT NULL,
  UNIQUE (run_id, job_path, attempt, seq));
CREATE INDEX IF NOT EXISTS logs_by_run ON logs (run_id, id);
CREATE TABLE IF NOT EXISTS callbacks (
  token_hash TEXT PRIMARY KEY, task_token BLOB NOT NULL, run_id TEXT NOT NULL, job_path TEXT NOT NULL,
  attempt INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, iv BLOB NOT NULL, data BLOB NOT NULL, tag BLOB NOT NULL, updated_at TEXT NOT NULL);`);
        const spec = JSON.stringify({ uri: 'old/app/build', timeoutMs: 0, environments: {}, stages: [] });
        db.prepare('INSERT INTO flows VALUES (?, ?, ?, ?, ?)').run('old/app/build', 1, 'uri: old/app/build', spec, '2024-05-01T00:00:00.000Z');
        db.exec(`INSERT INTO run_numbers VALUES ('old/app/build', 7);
                 INSERT INTO deliveries VALUES ('old/app/build', 'delivery-1', 7);
                 INSERT INTO logs (run_id, job_path, attempt, seq, ts, stream, text) VALUES ('old/app/build#7', 's.a.j', 1, 1, 5, 'stdout', 'old line');`);
        db.prepare('INSERT INTO callbacks VALUES (?, ?, ?, ?, ?, ?, NULL)').run(tokenHash('old-token'), new Uint8Array([9]), 'old/app/build#7', 's.a.j', 1, Date.now() + 60_000);
        db.prepare('INSERT INTO secrets VALUES (?, ?, ?, ?, ?)').run('OLD', new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3]), '2024-05-01T00:00:00.000Z');
      });

      const store = await openSqliteStore(file);
      expect(await store.schemaVersion()).toBe(LATEST);
      expect(await store.getFlow('old/app/build')).toMatchObject({ version: 1, source: 'uri: old/app/build', createdAt: '2024-05-01T00:00:00.000Z' });
      expect(await store.claimRunNumber('old/app/build', 'delivery-1')).toEqual({ number: 7, fresh: false });
      expect(await store.nextRunNumber('old/app/build')).toBe(8);
      expect((await store.readLogs({ runId: 'old/app/build#7', jobPath: 's.a.j' })).lines.map((l) => l.text)).toEqual(['old line']);
      expect(await store.countLogs('old/app/build#7', 's.a.j', 1)).toBe(1);
      expect(await store.claimCallback('old-token')).toMatchObject({ status: 'claimed', target: { runId: 'old/app/build#7' } });
      expect(await store.listSecretNames()).toEqual(['OLD']);
      await store.close();

      const recorded = raw((db) => db.prepare('SELECT version, name FROM schema_version ORDER BY version').all());
      expect(recorded).toEqual(SQLITE_MIGRATIONS.map(({ version, name }) => ({ version, name })));
      const indexes = raw((db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'logs_by_%' ORDER BY name").all());
      expect(indexes).toEqual([{ name: 'logs_by_job' }, { name: 'logs_by_run' }]);
    });

    it('opens an up-to-date database again without changing it', async () => {
      const first = await openSqliteStore(file);
      await first.nextRunNumber('team/app/build');
      await first.close();
      const recorded = (): unknown[] => raw((db) => db.prepare('SELECT * FROM schema_version ORDER BY version').all());
      const before = recorded();
      for (let i = 0; i < 3; i++) {
        const store = await openSqliteStore(file);
        expect(await store.schemaVersion()).toBe(LATEST);
        await store.close();
      }
      expect(recorded()).toEqual(before);
      expect(before).toHaveLength(SQLITE_MIGRATIONS.length);
      const store = await openSqliteStore(file);
      expect(await store.nextRunNumber('team/app/build')).toBe(2);
      await store.close();
    });

    it('refuses a newer schema whose steps this coflow cannot run on, says to upgrade, and leaves the file as it was', async () => {
      const store = await openSqliteStore(file);
      await store.nextRunNumber('team/app/build');
      await store.close();
      // A contract step of a newer coflow: code older than it cannot run on the schema.
      raw((db) => db.prepare('INSERT INTO schema_version (version, name, applied_at, oldest_code) VALUES (?, ?, ?, ?)')
        .run(LATEST + 1, 'from a newer coflow', new Date().toISOString(), LATEST + 1));
      const digest = (): string => createHash('sha256').update(readFileSync(file)).digest('hex');
      const before = digest();

      const err = await openSqliteStore(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaTooNewError);
      expect(err).toMatchObject({ name: 'SchemaTooNewError', found: LATEST + 1, known: LATEST, needs: LATEST + 1 });
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toContain('upgrade coflow');
      expect(digest()).toBe(before);
      expect(raw((db) => db.prepare('SELECT MAX(version) AS v FROM schema_version').get())).toEqual({ v: LATEST + 1 });
    });

    it('runs on a newer schema whose steps were written for code as old as it (expand), without changing it', async () => {
      await (await openSqliteStore(file)).close();
      raw((db) => db.prepare('INSERT INTO schema_version (version, name, applied_at, oldest_code) VALUES (?, ?, ?, ?)')
        .run(LATEST + 1, 'an expand step of a newer coflow', new Date().toISOString(), LATEST));
      const store = await openSqliteStore(file);
      expect(await store.schemaVersion()).toBe(LATEST + 1);
      expect(await store.nextRunNumber('team/app/build')).toBe(1);
      await store.close();
      expect(await migrateSqliteStore(file)).toEqual({ from: LATEST + 1, to: LATEST + 1, applied: [] });
    });

    it('records with each step the oldest code that runs on it, also in files migrated before that was recorded', async () => {
      raw((db) => db.exec(`
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
INSERT INTO schema_version VALUES (1, 'flows, run numbers, deliveries, logs, callbacks, secrets', '2025-01-01T00:00:00.000Z');
${SQLITE_MIGRATIONS[0]!.sql}`));
      expect(await migrateSqliteStore(file)).toEqual({ from: 1, to: LATEST, applied: SCHEMA_STEPS.slice(1) });
      const recorded = raw((db) => db.prepare('SELECT version, name, oldest_code FROM schema_version ORDER BY version').all());
      expect(recorded).toEqual(SCHEMA_STEPS.map((s) => ({ version: s.version, name: s.name, oldest_code: s.oldestCode })));
      expect(await migrateSqliteStore(file)).toEqual({ from: LATEST, to: LATEST, applied: [] });
    });
  });
  describe('several processes on one file', () => {
    it('gives distinct, gap-free numbers and one fresh claim per delivery to processes that create the file and claim at once', async () => {
      const processes = 6;
      const rounds = 40;
      const results = await claimAtOnce({ kind: 'sqlite', file }, processes, rounds);
      const claims = results.flatMap((r) => r.claims);
      const fresh = claims.filter((c) => c.fresh);
      const keys = ['delivery-1', 'delivery-2', 'delivery-3', 'delivery-4', 'delivery-5', 'delivery-6'];
      expect(fresh.map((c) => c.key).sort()).toEqual(keys);
      for (const key of keys) expect(new Set(claims.filter((c) => c.key === key).map((c) => c.number)).size).toBe(1);
      const numbers = [...results.flatMap((r) => r.starts), ...fresh.map((c) => c.number)].sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: processes * rounds + keys.length }, (_, i) => i + 1));
    }, 60_000);
  });
});
