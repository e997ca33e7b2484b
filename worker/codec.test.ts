import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec, parseCodecKeys } from './codec.ts';

const key = () => randomBytes(32).toString('base64');

describe('payload codec', () => {
  it('encrypts payloads so the clear value is absent, and decrypts them', async () => {
    const keys = parseCodecKeys(`k1:${key()}`);
    const codec = new AesGcmCodec(keys);
    const payload = defaultPayloadConverter.toPayload({ token: 'hunter2-very-secret' });
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('hunter2');
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ token: 'hunter2-very-secret' });
  });

  it('rotates keys: the first encrypts, all decrypt', async () => {
    const oldKey = `old:${key()}`;
    const before = new AesGcmCodec(parseCodecKeys(oldKey));
    const after = new AesGcmCodec(parseCodecKeys(`new:${key()},${oldKey}`));
    const [old] = await before.encode([defaultPayloadConverter.toPayload('v')]);
    expect(defaultPayloadConverter.fromPayload((await after.decode([old!]))[0]!)).toBe('v');
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload('w')]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('new');
    await expect(before.decode([fresh!])).rejects.toThrow(/unknown codec key "new"/);
  });

  it('passes payloads written before encryption through', async () => {
    const codec = new AesGcmCodec(parseCodecKeys(`k:${key()}`));
    const plain = defaultPayloadConverter.toPayload(42);
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('rejects malformed keys', () => {
    expect(() => parseCodecKeys('nokey')).toThrow(/id:base64key/);
    expect(() => parseCodecKeys('k:c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
