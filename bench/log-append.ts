/**
 * Benchmark: job log lines stored per second through coflow's store, in the
 * batches the log batcher writes (200 lines; idempotent on (run, job, attempt,
 * seq), in the order they arrive), against a bare multi-row INSERT of the same
 * lines into a plain table of the same database (no key, no conflict check,
 * no ordering lock) — and, to tell the indexes' share from the store's own,
 * into a table with the store's three indexes. Both stores; rounds
 * interleaved, medians, ratios to the bare INSERT.
 *
 *   node bench/log-append.ts    (PostgreSQL with scripts/postgres.sh on COFLOW_BENCH_PG_PORT or 55433,
 *                                started and stopped again unless it ran; COFLOW_BENCH_KEEP=1 keeps it)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import type { LogLine } from '../contracts/logs.ts';
import { migrateStore, openStore, type StoreConfig } from '../store/open-store.ts';
import { createTestDatabase } from '../test/production/support/postgres.ts';
import { benchPostgres } from './support/targets.ts';
import { runBench, type Teardown } from './support/teardown.ts';

const LINES = Number(process.env.COFLOW_BENCH_LINES ?? 40_000);
const BATCH = 200;
const ROUNDS = Number(process.env.COFLOW_BENCH_REPEATS ?? 5);

type Append = (runId: string, fromSeq: number, lines: readonly LogLine[]) => Promise<unknown>;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const batchOf = (from: number): LogLine[] =>
  Array.from({ length: BATCH }, (_, i) => ({ ts: Date.now(), stream: 'stdout', text: `line ${from + i}: ${'x'.repeat(60)}` }));

/** Lines per second appending LINES lines to one run, batch after batch. */
async function rate(append: Append, runId: string): Promise<number> {
  const started = performance.now();
  for (let seq = 1; seq <= LINES; seq += BATCH) await append(runId, seq, batchOf(seq));
  return LINES / ((performance.now() - started) / 1000);
}

/** The same rows as one multi-row INSERT per batch into a table without key or index. */
interface Bare {
  readonly append: Append;
  close(): Promise<void>;
}

/** The indexes the store keeps on its log table (uniqueness for idempotent re-writes; reads by run and by job), for the indexed baseline. */
const INDEXES = (table: string): string[] => [
  `CREATE UNIQUE INDEX ${table}_key ON ${table} (run_id, job_path, attempt, seq)`,
  `CREATE INDEX ${table}_run ON ${table} (run_id, seq)`,
  `CREATE INDEX ${table}_job ON ${table} (run_id, job_path, seq)`,
];

function sqliteBare(file: string, indexed: boolean): Bare {
  const db = new DatabaseSync(file);
  const table = indexed ? 'bench_indexed' : 'bench_lines';
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE ${table} (run_id TEXT, job_path TEXT, attempt INTEGER, seq INTEGER, ts INTEGER, stream TEXT, text TEXT)`);
  if (indexed) for (const index of INDEXES(table)) db.exec(index);
  const insert = db.prepare(`INSERT INTO ${table} VALUES ${Array.from({ length: BATCH }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
  return {
    append(runId, fromSeq, lines) {
      insert.run(...lines.flatMap((l, i) => [runId, 's.a.j', 1, fromSeq + i, l.ts, l.stream, l.text]));
      return Promise.resolve();
    },
    close: () => Promise.resolve(db.close()),
  };
}

async function postgresBare(url: string, indexed: boolean): Promise<Bare> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // An idle connection the server closes (the database dropped at the end) is not the bench's failure.
  pool.on('error', () => {});
  const table = indexed ? 'bench_indexed' : 'bench_lines';
  await pool.query(`CREATE TABLE ${table} (run_id TEXT, job_path TEXT, attempt INTEGER, seq INTEGER, ts BIGINT, stream TEXT, text TEXT)`);
  if (indexed) for (const index of INDEXES(table)) await pool.query(index);
  return {
    append: (runId, fromSeq, lines) => pool.query(
      `INSERT INTO ${table} SELECT $1, 's.a.j', 1, $2::integer + n - 1, ts, stream, text
       FROM unnest($3::bigint[], $4::text[], $5::text[]) WITH ORDINALITY AS l (ts, stream, text, n)`,
      [runId, fromSeq, lines.map((l) => l.ts), lines.map((l) => l.stream), lines.map((l) => l.text)]),
    close: () => pool.end(),
  };
}

/** Interleaved rounds: the store, the bare insert, the bare insert with the store's indexes, each on runs of its own. */
async function compare(name: string, config: StoreConfig, bare: Bare, indexed: Bare): Promise<string[]> {
  const store = await openStore(config);
  const rates: [number[], number[], number[]] = [[], [], []];
  const storeAppend: Append = (r, s, l) => store.appendLogs(r, 's.a.j', 1, s, l);
  try {
    await rate(storeAppend, 'bench/warm/up#1');
    for (let round = 1; round <= ROUNDS; round++) {
      rates[0].push(await rate(storeAppend, `bench/store/r#${round}`));
      rates[1].push(await rate(bare.append, `bench/bare/r#${round}`));
      rates[2].push(await rate(indexed.append, `bench/indexed/r#${round}`));
    }
  } finally {
    await store.close();
    await bare.close();
    await indexed.close();
  }
  const fmt = (x: number): string => `${Math.round(x).toLocaleString('en')} lines/s`.padStart(16);
  const [s, b, i] = rates.map(median) as [number, number, number];
  return [
    `${name.padEnd(11)} bare multi-row INSERT (baseline)        ${fmt(b)}   1.00×`,
    `${''.padEnd(11)} bare INSERT, the store's three indexes ${fmt(i)}   ${(i / b).toFixed(2)}×`,
    `${''.padEnd(11)} coflow store.appendLogs                ${fmt(s)}   ${(s / b).toFixed(2)}×`,
  ];
}

async function main(teardown: Teardown): Promise<void> {
  const out = [`log lines stored — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${LINES} lines a round in batches of ${BATCH}, one writer, median of ${ROUNDS} interleaved rounds`];
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-'));
  try {
    out.push(...(await compare('sqlite', { kind: 'sqlite', file: join(dir, 'coflow.db') }, sqliteBare(join(dir, 'coflow.db'), false), sqliteBare(join(dir, 'coflow.db'), true))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const server = benchPostgres(process.env);
  teardown.add(`PostgreSQL on port ${server.port}`, () => server.stop(), { keepable: true });
  const database = await createTestDatabase(server.url);
  try {
    const config: StoreConfig = { kind: 'postgres', url: database.url };
    await migrateStore(config);
    out.push(...(await compare('postgresql', config, await postgresBare(database.url, false), await postgresBare(database.url, true))));
  } finally {
    await database.drop();
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await runBench(process.env, main);
