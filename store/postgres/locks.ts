/**
 * Advisory lock keys of the PostgreSQL store: two int4, a class of coflow's
 * (`cofl` in ASCII, then the next number) and an object within it, so they
 * cannot meet the locks of another program sharing the database.
 */
const COFLOW = 0x636f666c;

/** Held by `migrateStore` while it reads and changes the schema. */
export const MIGRATION_LOCK: readonly [number, number] = [COFLOW, 0];

/** Class of the lock an append holds on its run (object: `hashtext(run_id)`) until it commits. */
export const LOG_LOCK_CLASS = COFLOW + 1;

/** Class of the lock a join to a pair's deploy queue holds (object: `hashtext(key)`) until it commits. */
export const DEPLOY_QUEUE_LOCK_CLASS = COFLOW + 2;
