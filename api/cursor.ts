/** Opaque page cursors: base64url of the position, rejected with 400 when mangled. */
import { ApiError } from './errors.ts';

export const encodeCursor = (position: string | Uint8Array): string => Buffer.from(position).toString('base64url');

/** The position as text. */
export function decodeCursor(cursor: string): string {
  return cursorBytes(cursor).toString('utf8');
}

/** The position as bytes (Temporal page tokens). */
export function cursorBytes(cursor: string): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new ApiError('bad_cursor', 'the cursor is not one this API handed out');
  return Buffer.from(cursor, 'base64url');
}
