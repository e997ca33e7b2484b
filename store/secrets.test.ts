import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecretResolver } from '../contracts/secrets.ts';
import { SecretKeyError, SecretNameError } from './errors.ts';
import { chainSecrets, secretVault } from './secrets.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

describe('the secret vault', () => {
  let dir: string;
  let store: Store;
  const key = randomBytes(32);
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coflow-secrets-'));
    store = await openSqliteStore(join(dir, 'coflow.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a value sealed and gives it back clear', async () => {
    const vault = secretVault(store, key);
    await vault.set('DEPLOY_KEY', 'hunter2 — ünïcode ✓');
    await vault.set('EMPTY', '');
    expect(await vault.resolve('DEPLOY_KEY')).toBe('hunter2 — ünïcode ✓');
    expect(await vault.resolve('EMPTY')).toBe('');
    expect(await vault.resolve('MISSING')).toBeUndefined();
    const sealed = await store.getSecret('DEPLOY_KEY');
    expect(Buffer.from(sealed!.data).includes('hunter2')).toBe(false);

    await vault.set('DEPLOY_KEY', 'changed');
    expect(await vault.resolve('DEPLOY_KEY')).toBe('changed');
    expect(await vault.names()).toEqual(['DEPLOY_KEY', 'EMPTY']);
    expect(await vault.delete('DEPLOY_KEY')).toBe(true);
    expect(await vault.delete('DEPLOY_KEY')).toBe(false);
    expect(await vault.resolve('DEPLOY_KEY')).toBeUndefined();
  });

  it('seals the same value differently each time', async () => {
    const vault = secretVault(store, key);
    await vault.set('A', 'same');
    const first = await store.getSecret('A');
    await vault.set('A', 'same');
    const second = await store.getSecret('A');
    expect(Buffer.from(second!.iv).equals(Buffer.from(first!.iv))).toBe(false);
  });

  it('raises SecretKeyError naming the secret when the key is not the one it was sealed with', async () => {
    await secretVault(store, key).set('DEPLOY_KEY', 'hunter2');
    const err = await secretVault(store, randomBytes(32)).resolve('DEPLOY_KEY').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretKeyError);
    expect(err).toMatchObject({ name: 'SecretKeyError', secret: 'DEPLOY_KEY' });
    expect((err as Error).message).toContain('DEPLOY_KEY');
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('does not open a sealed value moved to another name', async () => {
    const vault = secretVault(store, key);
    await vault.set('STAGING_TOKEN', 'for staging');
    await store.putSecret('PROD_TOKEN', (await store.getSecret('STAGING_TOKEN'))!);
    await expect(vault.resolve('PROD_TOKEN')).rejects.toMatchObject({ name: 'SecretKeyError', secret: 'PROD_TOKEN' });
    expect(await vault.resolve('STAGING_TOKEN')).toBe('for staging');
  });

  it('does not open an altered sealed value', async () => {
    const vault = secretVault(store, key);
    await vault.set('TOKEN', 'value');
    const sealed = (await store.getSecret('TOKEN'))!;
    const data = Uint8Array.from(sealed.data);
    data[0] = data[0]! ^ 1;
    await store.putSecret('TOKEN', { ...sealed, data });
    await expect(vault.resolve('TOKEN')).rejects.toBeInstanceOf(SecretKeyError);
  });

  it('refuses a name that is not letters, digits and _, and stores nothing', async () => {
    const vault = secretVault(store, key);
    for (const name of ['', '1ST', 'DEPLOY-KEY', 'DEPLOY KEY', 'a.b', 'ключ', 'x\n']) {
      const err = await vault.set(name, 'v').catch((e: unknown) => e);
      expect(err, JSON.stringify(name)).toBeInstanceOf(SecretNameError);
      expect(err).toMatchObject({ secret: name });
    }
    expect(await vault.names()).toEqual([]);
    await vault.set('_ok_1', 'v');
    expect(await vault.names()).toEqual(['_ok_1']);
  });

  it('wants a 32-byte key', () => {
    expect(() => secretVault(store, randomBytes(16))).toThrow(RangeError);
  });
});

describe('chainSecrets', () => {
  const from = (values: Record<string, string>, asked: string[]): SecretResolver => (name) => {
    asked.push(name);
    return Promise.resolve(values[name]);
  };

  it('takes the first resolver that has the secret and asks no further', async () => {
    const asked: string[] = [];
    const resolve = chainSecrets(from({ A: 'from env' }, asked), from({ A: 'from store', B: 'from store', C: '' }, asked), from({ B: 'from file' }, asked));
    expect(await resolve('A')).toBe('from env');
    expect(asked).toEqual(['A']);
    expect(await resolve('B')).toBe('from store');
    // An empty value is a value: the chain stops there.
    expect(await resolve('C')).toBe('');
    asked.length = 0;
    expect(await resolve('D')).toBeUndefined();
    expect(asked).toEqual(['D', 'D', 'D']);
  });

  it('resolves nothing without resolvers', async () => {
    expect(await chainSecrets()('A')).toBeUndefined();
  });
});
