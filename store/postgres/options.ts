/**
 * The PostgreSQL store's configuration: raw as the caller gives it, then
 * complete and checked once, so the rest of the store sees only valid values.
 */
import { StoreConfigError } from '../errors.ts';

/** Where and how to reach PostgreSQL. */
export interface PostgresStoreConfig {
  readonly kind: 'postgres';
  /**
   * `postgres://user:password@host:port/database`, with libpq parameters as
   * query (`?sslmode=require`, `?options=-c%20search_path%3Dcoflow`).
   */
  readonly url: string;
  /** How long one call waits out transient failures (connection lost, server restarting) before it fails (ms); default 60 000. */
  readonly outageBudgetMs?: number;
  /** Connections this process keeps at most; default 10. */
  readonly poolSize?: number;
  /** How long opening one connection may take before it counts as a failure (ms); default 5 000. */
  readonly connectTimeoutMs?: number;
}

/** The configuration with every default applied and checked. */
export interface PostgresOptions {
  readonly url: string;
  /** The URL without its password: for messages. */
  readonly where: string;
  readonly outageBudgetMs: number;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
}

export const DEFAULT_OUTAGE_BUDGET_MS = 60_000;

/** Applies the defaults and rejects what cannot work, naming the field. */
export function postgresOptions(config: PostgresStoreConfig): PostgresOptions {
  const { url, outageBudgetMs = DEFAULT_OUTAGE_BUDGET_MS, poolSize = 10, connectTimeoutMs = 5_000 } = config;
  const where = describeUrl(url);
  if (!Number.isFinite(outageBudgetMs) || outageBudgetMs < 0) throw new StoreConfigError('outageBudgetMs', 'must be 0 or more milliseconds');
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new StoreConfigError('poolSize', 'must be a whole number of connections, at least 1');
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0) throw new StoreConfigError('connectTimeoutMs', 'must be more than 0 milliseconds');
  return { url, where, outageBudgetMs, poolSize, connectTimeoutMs };
}

/** `postgres://user@host:port/db`: the URL as messages show it, never with a password or parameters. */
function describeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo the text: it may hold a password.
    throw new StoreConfigError('url', 'is not a URL (postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreConfigError('url', `must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  const user = parsed.username === '' ? '' : `${parsed.username}@`;
  return `PostgreSQL database ${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
}
