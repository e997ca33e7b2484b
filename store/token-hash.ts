/** The SHA-256 (hex) under which a callback token is stored: every store backend keys tokens by it. */
import { createHash } from 'node:crypto';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
