/** One write transaction on the embedded store. */
import type { DatabaseSync } from 'node:sqlite';

/**
 * Runs `fn` inside `BEGIN IMMEDIATE … COMMIT`: the write lock is taken at the
 * start, so a read and the write it decides are one step across every
 * process sharing the file. Rolls back when `fn` throws.
 */
export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    // SQLite may have rolled back already (a full disk, an I/O error): a second ROLLBACK would hide the cause.
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
