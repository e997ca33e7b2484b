/**
 * The servers and stores a benchmark runs on: the Temporal CLI dev server with
 * embedded stores (what `coflow dev` runs), or the production topology — the
 * real Temporal server on PostgreSQL (scripts/temporal-server.sh) and coflow's
 * store on PostgreSQL (scripts/postgres.sh). Each bench picks one with
 * COFLOW_BENCH_TEMPORAL=dev|real and stops what it started.
 */
import { execFileSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findTemporalBin, startDevServer } from '../../cli/temporal-server.ts';
import { cacheDir } from '../../worker/config.ts';
import { freePort } from '../../test/support/ports.ts';
import { createTestDatabase, type TestDatabase } from '../../test/production/support/postgres.ts';
import { startRealTemporal } from '../../test/production/temporal-fixture.ts';
import { migrateStore, type StoreConfig } from '../../store/open-store.ts';

const root = resolve(import.meta.dirname, '../..');

export type TargetKind = 'dev' | 'real';

export interface Target {
  readonly kind: TargetKind;
  readonly label: string;
  readonly address: string;
  /** A fresh store for one platform; undefined: the embedded one in its data directory. */
  store(name: string): Promise<StoreConfig | undefined>;
  stop(): Promise<void>;
}

/** COFLOW_BENCH_TEMPORAL: `real` for the production topology, otherwise the dev server. */
export function targetKind(env: NodeJS.ProcessEnv): TargetKind {
  return env.COFLOW_BENCH_TEMPORAL === 'real' ? 'real' : 'dev';
}

export async function devTarget(dir: string, env: NodeJS.ProcessEnv): Promise<Target> {
  const server = await startDevServer({
    bin: findTemporalBin({ ...(env.COFLOW_TEMPORAL_BIN ? { explicit: env.COFLOW_TEMPORAL_BIN } : {}), cacheDir: cacheDir(env) }),
    dbFile: join(dir, 'temporal.db'),
    port: await freePort(),
    headless: true,
    logFd: openSync(join(dir, 'temporal.log'), 'a'),
  });
  return {
    kind: 'dev',
    label: 'Temporal CLI dev server (SQLite, 1 history shard), embedded SQLite store',
    address: server.address,
    store: () => Promise.resolve(undefined),
    stop: () => server.stop(),
  };
}

/** scripts/postgres.sh on the benches' own port (COFLOW_BENCH_PG_PORT, default 55433: never the tests' 55432). */
function postgres(command: string, port: string): string {
  return execFileSync('bash', [join(root, 'scripts/postgres.sh'), command, port], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** The production topology's servers; PostgreSQL is stopped again if this started it, unless COFLOW_BENCH_KEEP=1. */
export async function realTarget(env: NodeJS.ProcessEnv): Promise<Target> {
  const pgPort = env.COFLOW_BENCH_PG_PORT ?? '55433';
  let startedHere = false;
  try {
    postgres('status', pgPort);
  } catch {
    startedHere = true;
  }
  const serverUrl = postgres('start', pgPort);
  const stopPostgres = (): void => {
    if (startedHere && env.COFLOW_BENCH_KEEP !== '1') postgres('stop', pgPort);
  };
  let temporal: Awaited<ReturnType<typeof startRealTemporal>>;
  try {
    temporal = await startRealTemporal(Number(env.COFLOW_BENCH_TEMPORAL_PORT ?? 27233), Number(pgPort));
  } catch (err) {
    // Temporal did not come up (a port taken): the PostgreSQL started for it goes too.
    stopPostgres();
    throw err;
  }
  const databases: TestDatabase[] = [];
  return {
    kind: 'real',
    label: 'real Temporal server v1.29.1 on PostgreSQL 15 (4 history shards), PostgreSQL store',
    address: temporal.address,
    async store() {
      const db = await createTestDatabase(serverUrl);
      databases.push(db);
      const config: StoreConfig = { kind: 'postgres', url: db.url };
      await migrateStore(config);
      return config;
    },
    async stop() {
      temporal.stop();
      for (const db of databases) await db.drop();
      stopPostgres();
    },
  };
}

export function startTarget(dir: string, env: NodeJS.ProcessEnv): Promise<Target> {
  return targetKind(env) === 'real' ? realTarget(env) : devTarget(dir, env);
}
