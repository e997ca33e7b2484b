/**
 * Sealing stored secrets: AES-256-GCM with a fresh 12-byte IV per value and
 * the secret's name as additional data, so a sealed value cannot be moved to
 * another name. The store only ever sees the sealed form.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretKeyError } from './errors.ts';
import type { SealedSecret } from './store.ts';

export function sealSecret(key: Buffer, name: string, value: string): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(name));
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { iv, data, tag: cipher.getAuthTag() };
}

export function openSecret(key: Buffer, name: string, sealed: SealedSecret): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv).setAAD(Buffer.from(name)).setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.data), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new SecretKeyError(name, { cause: err });
  }
}
