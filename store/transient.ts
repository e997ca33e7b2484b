/**
 * The one classifier of transient store failures, and the retry that waits
 * them out within an outage budget. A failure is transient when the same
 * call may succeed unchanged a moment later: the database is unreachable,
 * restarting or shutting down, or it chose this transaction as the victim of
 * a serialization conflict or a deadlock. Everything else (a constraint, a
 * syntax error, a closed store, an outage past its budget) is not.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ConnectionLostError, StoreUnavailableError } from './errors.ts';

/** SQLSTATEs worth waiting out (PostgreSQL error codes appendix). */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '57P01', // admin_shutdown: the server is stopping (fast shutdown)
  '57P02', // crash_shutdown: another backend crashed, the server restarts
  '57P03', // cannot_connect_now: starting up or shutting down
]);

/** Socket errors of Node that a reconnect may cure. */
const TRANSIENT_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** SQLITE_BUSY and SQLITE_LOCKED (primary result codes): another process holds the lock. */
const SQLITE_TRANSIENT = new Set([5, 6]);

/** True when the failed call may succeed unchanged once the database is back. */
export function isTransient(err: unknown): boolean {
  if (err instanceof ConnectionLostError) return true;
  if (typeof err !== 'object' || err === null) return false;
  if ('code' in err && typeof err.code === 'string') {
    // Class 08: connection exception.
    return err.code.startsWith('08') || TRANSIENT_SQLSTATES.has(err.code) || TRANSIENT_ERRNOS.has(err.code);
  }
  if ('errcode' in err && typeof err.errcode === 'number') return SQLITE_TRANSIENT.has(err.errcode & 0xff);
  return false;
}

/** How long to wait out transient failures, and how to space the tries. */
export interface RetryPolicy {
  /** A call that keeps failing transiently for this long fails with StoreUnavailableError (ms). */
  readonly budgetMs: number;
  /** The first pause (ms); each next one doubles, up to `maxDelayMs`. */
  readonly firstDelayMs?: number;
  /** The longest pause (ms): also how late a call notices that the database is back. */
  readonly maxDelayMs?: number;
}

/**
 * Runs `call` until it succeeds, fails for a reason that is not transient
 * (thrown as it is), or has failed transiently for longer than the budget,
 * counted from its first failure (StoreUnavailableError, with the last
 * failure as its cause). Pauses grow exponentially with ±20% jitter.
 */
export async function retryTransient<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const { budgetMs, firstDelayMs = 50, maxDelayMs = 1_000 } = policy;
  let firstFailure: number | undefined;
  let pause = firstDelayMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!isTransient(err)) throw err;
      const now = Date.now();
      firstFailure ??= now;
      const left = firstFailure + budgetMs - now;
      if (left <= 0) throw new StoreUnavailableError(now - firstFailure, { cause: err });
      await delay(Math.min(left, pause * (0.8 + Math.random() * 0.4)));
      pause = Math.min(pause * 2, maxDelayMs);
    }
  }
}
