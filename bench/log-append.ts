/**
 * Benchmark: how fast each store takes job log lines, in the batches the log
 * batcher writes (200 lines), from one writer and from four writers on four
 * runs at once. On PostgreSQL it also times other shapes of the same batch
 * insert, to show what the chosen one (one statement: a per-run advisory
 * lock, then the rows from arrays) costs and saves.
 *
 *   node bench/log-append.ts    (starts PostgreSQL with scripts/postgres.sh on COFLOW_PG_PORT or 55432)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { LogLine } from '../contracts/logs.ts';
import { migrateStore, openStore, type StoreConfig } from '../store/open-store.ts';

const LINES = 100_000;
const BATCH = 200;
const root = resolve(import.meta.dirname, '..');

const batchOf = (from: number): LogLine[] =>
  Array.from({ length: BATCH }, (_, i) => ({ ts: Date.now(), stream: 'stdout', text: `line ${from + i}: ${'x'.repeat(60)}` }));

type Append = (runId: string, fromSeq: number, lines: readonly LogLine[]) => Promise<unknown>;

/** Lines per second for `writers` writers, each appending LINES / writers lines to its own run, batch after batch. */
async function rate(append: Append, writers: number, tag: string): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let seq = 1; seq <= LINES / writers; seq += BATCH) await append(`bench/${tag}/w#${w}`, seq, batchOf(seq));
  }));
  return LINES / ((performance.now() - started) / 1000);
}

async function storeRates(config: StoreConfig): Promise<[number, number]> {
  const store = await openStore(config);
  const append: Append = (runId, fromSeq, lines) => store.appendLogs(runId, 's.a.j', 1, fromSeq, lines);
  const result: [number, number] = [await rate(append, 1, 'one'), await rate(append, 4, 'four')];
  await store.close();
  return result;
}

/** Other shapes of the same insert, straight through pg on the migrated database. */
async function shapeRates(url: string): Promise<Record<string, number>> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const arrays = (lines: readonly LogLine[]): unknown[] => [lines.map((l) => l.ts), lines.map((l) => l.stream), lines.map((l) => l.text)];
  const noLock: Append = (runId, fromSeq, lines) => pool.query(
    `INSERT INTO logs (run_id, job_path, attempt, seq, ts, stream, text)
     SELECT $1, 's.a.j', 1, $2::integer + n - 1, ts, stream, text FROM unnest($3::bigint[], $4::text[], $5::text[]) WITH ORDINALITY AS l (ts, stream, text, n)
     ON CONFLICT DO NOTHING`, [runId, fromSeq, ...arrays(lines)]);
  const values: Append = (runId, fromSeq, lines) => pool.query(
    `INSERT INTO logs (run_id, job_path, attempt, seq, ts, stream, text) VALUES ${lines.map((_, i) => `($1, 's.a.j', 1, ${fromSeq + i}, $${3 * i + 2}, $${3 * i + 3}, $${3 * i + 4})`).join(', ')}
     ON CONFLICT DO NOTHING`, [runId, ...lines.flatMap((l) => [l.ts, l.stream, l.text])]);
  const shapes = { 'unnest, no run lock': noLock, 'VALUES list (3 parameters a line)': values };
  const out: Record<string, number> = {};
  for (const [name, append] of Object.entries(shapes)) {
    out[`${name}, 1 writer`] = await rate(append, 1, `${name}-1`);
    out[`${name}, 4 writers`] = await rate(append, 4, `${name}-4`);
  }
  await pool.end();
  return out;
}

async function main(): Promise<void> {
  const fmt = (x: number): string => `${Math.round(x).toLocaleString('en')} lines/s`;
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-'));
  const [sqliteOne, sqliteFour] = await storeRates({ kind: 'sqlite', file: join(dir, 'coflow.db') });
  rmSync(dir, { recursive: true, force: true });
  console.log(`sqlite      store.appendLogs, 1 writer: ${fmt(sqliteOne)}; 4 writers: ${fmt(sqliteFour)}`);

  const server = execFileSync('bash', [join(root, 'scripts/postgres.sh'), 'start'], { encoding: 'utf8' }).trim();
  const name = `coflow_bench_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(server);
    url.pathname = `/${name}`;
    const config: StoreConfig = { kind: 'postgres', url: url.toString() };
    await migrateStore(config);
    const [pgOne, pgFour] = await storeRates(config);
    console.log(`postgresql  store.appendLogs (unnest + run lock), 1 writer: ${fmt(pgOne)}; 4 writers: ${fmt(pgFour)}`);
    for (const [shape, value] of Object.entries(await shapeRates(url.toString()))) console.log(`postgresql  ${shape}: ${fmt(value)}`);
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
