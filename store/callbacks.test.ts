import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCallbackStore, tokenHash, type CallbackStore } from './callbacks.ts';
import { DatabaseSync } from 'node:sqlite';

describe('callback store', () => {
  let dir: string;
  let store: CallbackStore;
  const target = { taskToken: new Uint8Array([1, 2, 3]), runId: 'a/b/c#1', jobPath: 's.a.j', attempt: 2 };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coflow-callbacks-'));
    store = openCallbackStore(join(dir, 'coflow.db'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('claims a token once, then reports it used; unknown tokens are unknown', () => {
    store.register('tok', target, new Date(Date.now() + 60_000));
    expect(store.claim('tok')).toEqual({ status: 'claimed', target });
    expect(store.claim('tok')).toEqual({ status: 'used' });
    expect(store.claim('other')).toEqual({ status: 'unknown' });
  });

  it('a released token can be claimed again; a removed one is unknown', () => {
    store.register('tok', target, new Date(Date.now() + 60_000));
    store.claim('tok');
    store.release('tok');
    expect(store.claim('tok').status).toBe('claimed');
    store.remove('tok');
    expect(store.claim('tok').status).toBe('unknown');
  });

  it('keeps only the SHA-256 of the token', () => {
    store.register('plain-token', target, new Date(Date.now() + 60_000));
    const db = new DatabaseSync(join(dir, 'coflow.db'));
    const rows = db.prepare('SELECT token_hash FROM callbacks').all() as { token_hash: string }[];
    db.close();
    expect(rows).toEqual([{ token_hash: tokenHash('plain-token') }]);
    expect(tokenHash('plain-token')).toMatch(/^[0-9a-f]{64}$/);
  });
});
