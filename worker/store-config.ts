/**
 * Where coflow keeps its data, from the environment: PostgreSQL when
 * COFLOW_DATABASE_URL is set (several API servers and workers share it), else
 * the embedded SQLite file in the data directory (one machine).
 */
import { join } from 'node:path';
import type { StoreConfig } from '../store/open-store.ts';
import { ConfigError } from './errors.ts';

function positive(env: NodeJS.ProcessEnv, name: string, what: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number of ${what}, got "${raw}"`);
  return n;
}

/** Reads and checks the store settings; throws ConfigError naming the variable. */
export function loadStoreConfig(env: NodeJS.ProcessEnv, dataDir: string): StoreConfig {
  const url = env.COFLOW_DATABASE_URL;
  if (url === undefined || url === '') return { kind: 'sqlite', file: join(dataDir, 'coflow.db') };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('COFLOW_DATABASE_URL must be a URL postgres://user:password@host:port/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`COFLOW_DATABASE_URL must be a postgres:// or postgresql:// URL, got a ${parsed.protocol} one`);
  }
  // Every process sharing the database must seal and open stored secrets with the same key.
  if (!env.COFLOW_SECRETS_KEY) {
    throw new ConfigError('COFLOW_SECRETS_KEY is required with COFLOW_DATABASE_URL: every API server and worker must share it (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)');
  }
  const outage = positive(env, 'COFLOW_DATABASE_OUTAGE_SECONDS', 'seconds');
  const pool = positive(env, 'COFLOW_DATABASE_POOL', 'connections');
  if (pool !== undefined && !Number.isInteger(pool)) throw new ConfigError(`COFLOW_DATABASE_POOL must be a whole number of connections, got "${env.COFLOW_DATABASE_POOL}"`);
  return { kind: 'postgres', url, ...(outage === undefined ? {} : { outageBudgetMs: outage * 1000 }), ...(pool === undefined ? {} : { poolSize: pool }) };
}
