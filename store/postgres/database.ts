/**
 * The PostgreSQL store's one door to the database: a connection pool (pg),
 * and three ways through it, each retried while failures are transient
 * (store/transient.ts) within the outage budget.
 *
 * - `query`: one statement on its own; only for statements that are safe to
 *   run twice (reads, idempotent writes), since a lost reply is answered by
 *   running it again.
 * - `transaction`: several statements that commit together. When the
 *   connection is lost while COMMIT is on its way, the outcome is looked up
 *   by transaction id (`txid_status`) instead of guessed, so a claim that did
 *   commit is reported as the caller's, and one that did not runs again.
 * - `session`: one connection held for a while (session-level advisory locks).
 */
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { ConnectionLostError, StoreClosedError } from '../errors.ts';
import { isTransient, retryTransient, type RetryPolicy } from '../transient.ts';
import type { PostgresOptions } from './options.ts';

/** Something statements run on: the pool, a transaction, a session. */
export interface Queryable {
  query<R extends QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A commit whose reply was lost: the transaction's id and what it returned before COMMIT. */
interface LostCommit<T> {
  readonly xid: string;
  readonly result: T;
}

/** How one run of a transaction ended, when it did not throw. */
type Outcome<T> = { readonly committed: true; readonly result: T } | (LostCommit<T> & { readonly committed: 'unknown'; readonly cause: unknown });

export class Database implements Queryable {
  readonly #pool: Pool;
  readonly #retry: RetryPolicy;
  #closed = false;

  constructor(options: PostgresOptions) {
    this.#pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'coflow',
    });
    // An idle connection the server closed (a restart): the pool drops it; the next call opens another.
    this.#pool.on('error', () => undefined);
    // A connection lost between two statements of a checked-out client: its next statement fails
    // (as transient); without a listener, pg's 'error' event would end the process.
    this.#pool.on('connect', (client) => client.on('error', () => undefined));
    this.#retry = { budgetMs: options.outageBudgetMs };
  }

  query<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return retryTransient(() => this.#once<R>(sql, params), this.#retry);
  }

  /** One try, no retry: readiness asks whether the database answers now. */
  async ping(): Promise<void> {
    await this.#once('SELECT 1');
  }

  /** Runs `fn` in a transaction (READ COMMITTED); `fn` may run again after a transient failure. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let lost: LostCommit<T> | undefined;
    return retryTransient(async () => {
      if (lost !== undefined) {
        const { xid, result } = lost;
        if (await this.#committed(xid)) return result;
        lost = undefined;
      }
      const outcome = await this.#transactOnce(fn);
      if (outcome.committed === true) return outcome.result;
      lost = { xid: outcome.xid, result: outcome.result };
      throw outcome.cause;
    }, this.#retry);
  }

  /** Runs `fn` on one connection held throughout; the whole of `fn` runs again after a transient failure. */
  session<T>(fn: (conn: Queryable) => Promise<T>): Promise<T> {
    return retryTransient(async () => {
      const client = await this.#connect();
      try {
        const result = await fn(onClient(client, this));
        client.release();
        return result;
      } catch (err) {
        // The session's locks and state go with the connection.
        client.release(true);
        throw err;
      }
    }, this.#retry);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /** The error a driver failure becomes: typed when the driver says only in words that the connection broke. */
  translate(err: unknown): unknown {
    if (this.#closed) return new StoreClosedError();
    if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err;
    // pg reports a lost, refused or timed-out connection as a plain Error without a code.
    if (err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError)) return new ConnectionLostError({ cause: err });
    return err;
  }

  async #once<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    if (this.#closed) throw new StoreClosedError();
    try {
      return (await this.#pool.query<R>(sql, params as unknown[])).rows;
    } catch (err) {
      throw this.translate(err);
    }
  }

  async #connect(): Promise<PoolClient> {
    if (this.#closed) throw new StoreClosedError();
    try {
      return await this.#pool.connect();
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** One run of a transaction: its result, or its result and xid when the reply to COMMIT was lost. */
  async #transactOnce<T>(fn: (tx: Queryable) => Promise<T>): Promise<Outcome<T>> {
    const client = await this.#connect();
    const tx = onClient(client, this);
    let result: T;
    let xid: string;
    try {
      xid = await begin(client, this);
      result = await fn(tx);
    } catch (err) {
      await rollBack(client, err);
      throw err;
    }
    try {
      await tx.query('COMMIT');
    } catch (err) {
      client.release(true);
      if (isTransient(err)) return { committed: 'unknown', xid, result, cause: err };
      throw err;
    }
    client.release();
    return { committed: true, result };
  }

  /** Whether transaction `xid` committed; throws a transient error while the server has not settled it yet. */
  async #committed(xid: string): Promise<boolean> {
    const [row] = await this.#once<{ status: string | null }>('SELECT txid_status($1::bigint) AS status', [xid]);
    switch (row?.status) {
      case 'committed':
        return true;
      case 'aborted':
        return false;
      case 'in progress':
        // The backend that ran it has not noticed its client is gone yet.
        throw new ConnectionLostError({ cause: new Error(`transaction ${xid} is still in progress after its connection was lost`) });
      default:
        throw new Error(`the outcome of transaction ${xid} is unknown (its connection was lost during COMMIT)`);
    }
  }
}

/** Statements on one checked-out connection, failures translated as the pool's are. */
function onClient(client: PoolClient, db: Database): Queryable {
  return {
    async query<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      try {
        return (await client.query<R>(sql, params as unknown[])).rows;
      } catch (err) {
        throw db.translate(err);
      }
    },
  };
}

/**
 * BEGIN and the new transaction's id in one round trip (two statements in
 * one simple-protocol query): the id is what a lost COMMIT is looked up by.
 */
async function begin(client: PoolClient, db: Database): Promise<string> {
  let results: unknown;
  try {
    results = await client.query('BEGIN; SELECT txid_current()::text AS xid');
  } catch (err) {
    throw db.translate(err);
  }
  const rows = Array.isArray(results) ? (results as { rows: { xid?: string }[] }[])[1]?.rows : undefined;
  const xid = rows?.[0]?.xid;
  if (xid === undefined) throw new Error('BEGIN did not return the transaction id');
  return xid;
}

/** Ends a failed transaction: ROLLBACK on a healthy connection, else the connection is dropped (the server rolls back). */
async function rollBack(client: PoolClient, cause: unknown): Promise<void> {
  if (isTransient(cause)) {
    client.release(true);
    return;
  }
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch {
    client.release(true);
  }
}
