/**
 * The real Temporal server of the production tests (scripts/temporal-server.sh),
 * on the PostgreSQL server of the tier, with coflow's search attributes
 * registered and usable before any test starts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../../worker/search-attributes.ts';
import { repoRoot } from '../support/paths.ts';

export interface RealTemporal {
  readonly address: string;
  /** What scripts/temporal-server.sh needs to start this server again (the fault tests restart it). */
  readonly env: Readonly<Record<string, string>>;
  stop(): void;
}

/**
 * Starts the server on `port` with fresh databases on the PostgreSQL server
 * at `pgPort` (run ids restart with every test database: old workflows must not answer for them).
 */
export async function startRealTemporal(port: number, pgPort: number): Promise<RealTemporal> {
  const env = { TEMPORAL_DB_HOST: '127.0.0.1', TEMPORAL_DB_PORT: String(pgPort), TEMPORAL_DB_USER: 'coflow' };
  const script = (cmd: string): string =>
    execFileSync('bash', [join(repoRoot, 'scripts/temporal-server.sh'), cmd, String(port)], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  script('stop');
  for (const db of ['temporal', 'temporal_visibility']) {
    execFileSync('bash', [join(repoRoot, 'scripts/postgres.sh'), 'psql', String(pgPort), '-q', '-c', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`], { stdio: 'ignore' });
  }
  const address = script('start');
  const connection = await Connection.connect({ address });
  try {
    // Registered and usable before any test starts (coflow's processes would wait for it each).
    await ensureSearchAttributes(connection, 'default');
  } finally {
    await connection.close();
  }
  return { address, env, stop: () => void script('stop') };
}
