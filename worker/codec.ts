/**
 * The payload codec: every Temporal payload (workflow inputs and results,
 * activity inputs and results, queries, signals) is encrypted with
 * AES-256-GCM before it leaves the process, so the Temporal server and its
 * database only hold ciphertext. Keys carry ids so they can rotate: the first
 * key encrypts, every listed key decrypts (COFLOW_CODEC_KEYS="id1:base64,id2:base64").
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { CodecKeyError } from './errors.ts';

// CommonJS package: plain Node (not only the test runner) must load this file, so no named import.
const { temporal } = proto;

const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

export interface CodecKey {
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

/** Parses `id1:base64key,id2:base64key` (each key 32 bytes). */
export function parseCodecKeys(text: string): CodecKey[] {
  const keys = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0) throw new CodecKeyError(`codec key "${entry.slice(0, 8)}…" must be written id:base64key`);
      const key = Buffer.from(entry.slice(i + 1), 'base64');
      if (key.length !== 32) throw new CodecKeyError(`codec key ${entry.slice(0, i)} must be 32 bytes (base64 of 32 random bytes), got ${key.length}`);
      return { id: entry.slice(0, i), key };
    });
  if (keys.length === 0) throw new CodecKeyError('no codec key given');
  return keys;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** AES-256-GCM over the whole serialised payload (metadata included). */
export class AesGcmCodec implements PayloadCodec {
  readonly #encryptWith: CodecKey;
  readonly #byId: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly CodecKey[]) {
    const first = keys[0];
    if (first === undefined) throw new CodecKeyError('no codec key given');
    this.#encryptWith = first;
    this.#byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((payload) => {
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', this.#encryptWith.key, iv);
        const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return { metadata: { encoding: enc.encode(ENCRYPTED_ENCODING), [KEY_ID]: enc.encode(this.#encryptWith.id) }, data };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    // Inside an executor, so a bad payload rejects the promise instead of throwing.
    return new Promise((resolve) =>
      resolve(payloads.map((payload) => {
        const encoding = payload.metadata?.encoding;
        // Payloads written before the codec was enabled pass through.
        if (encoding === undefined || encoding === null || dec.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
        const idBytes = payload.metadata?.[KEY_ID];
        const id = idBytes ? dec.decode(idBytes) : '';
        const key = this.#byId.get(id);
        if (key === undefined) throw new CodecKeyError(`payload encrypted with unknown codec key "${id}" (add it to COFLOW_CODEC_KEYS)`);
        const data = Buffer.from(payload.data ?? new Uint8Array());
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      })),
    );
  }
}
