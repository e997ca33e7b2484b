import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { tokenHash } from '../token-hash.ts';
import { openSqliteStore } from './sqlite-store.ts';

describe('embedded callback tokens', () => {
  let dir: string;
  let store: Store;
  const target = { taskToken: new Uint8Array([1, 2, 3]), runId: 'a/b/c#1', jobPath: 's.a.j', attempt: 2 };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coflow-callbacks-'));
    store = await openSqliteStore(join(dir, 'coflow.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps only the SHA-256 of the token', async () => {
    await store.registerCallback('plain-token', target, new Date(Date.now() + 60_000));
    const db = new DatabaseSync(join(dir, 'coflow.db'));
    const rows = db.prepare('SELECT token_hash FROM callbacks').all() as { token_hash: string }[];
    db.close();
    expect(rows).toEqual([{ token_hash: tokenHash('plain-token') }]);
    expect(tokenHash('plain-token')).toMatch(/^[0-9a-f]{64}$/);
  });
});
