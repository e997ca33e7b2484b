/**
 * Stored secrets (`PUT /api/v1/secrets/{name}`, `${{ secrets.NAME }}`):
 * encrypted with the secrets key before they reach the store, decrypted on
 * the way out. Values are never listed.
 */
import { SECRET_NAME, type SecretResolver } from '../contracts/secrets.ts';
import { SecretNameError } from './errors.ts';
import { openSecret, sealSecret } from './secret-box.ts';
import type { SecretStore } from './store.ts';

export interface SecretVault {
  set(name: string, value: string): Promise<void>;
  /** The clear value, or undefined when no such secret is stored. */
  resolve: SecretResolver;
  /** False when there was no such secret. */
  delete(name: string): Promise<boolean>;
  names(): Promise<string[]>;
}

/** The vault over a store's sealed secrets; `key` is 32 bytes (AES-256). */
export function secretVault(store: SecretStore, key: Buffer): SecretVault {
  if (key.length !== 32) throw new RangeError('the secrets key must be 32 bytes (AES-256)');
  return {
    async set(name, value) {
      if (!SECRET_NAME.test(name)) throw new SecretNameError(name);
      await store.putSecret(name, sealSecret(key, name, value));
    },
    async resolve(name) {
      const sealed = await store.getSecret(name);
      return sealed === undefined ? undefined : openSecret(key, name, sealed);
    },
    delete: (name) => store.deleteSecret(name),
    names: () => store.listSecretNames(),
  };
}

/** The first resolver that has the secret wins. */
export function chainSecrets(...resolvers: readonly SecretResolver[]): SecretResolver {
  return async (name) => {
    for (const resolve of resolvers) {
      const value = await resolve(name);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}
