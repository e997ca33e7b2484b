/**
 * Delivery signatures, compared in constant time. `timingSafeEqual` throws
 * on a length mismatch, so lengths are checked first (a length is no secret:
 * every HMAC-SHA256 hex digest has 64 characters).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const hmacSha256Hex = (secret: string, body: Uint8Array): string => createHmac('sha256', secret).update(body).digest('hex');

function equalHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GitHub `X-Hub-Signature-256` and the generic webhook: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export function verifyPrefixedHmac(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  return equalHex(hmacSha256Hex(secret, body), header.slice('sha256='.length).trim());
}

/** Gitea `X-Gitea-Signature`: the bare hex HMAC-SHA256 of the raw body. */
export function verifyBareHmac(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (header === undefined) return false;
  return equalHex(hmacSha256Hex(secret, body), header.trim());
}

/** GitLab `X-Gitlab-Token`: the shared secret itself; digests make the lengths equal. */
export function verifySharedToken(secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(secret), digest(header)) && header.length === secret.length;
}
