/**
 * Benchmark: thousands of runs waiting at an approval gate (`npm run bench:scale`).
 * `coflow api` and a worker run as separate processes, as in the production
 * topology; the worker is `coflow worker`'s start code with the runner that
 * starts nothing (bench/scale-worker.ts). A flow `job → approval gate → job`
 * is started through the API with a fixed concurrency up to each checkpoint;
 * once visibility counts every run `waiting`, it records the worker's and the
 * API's memory (VmRSS, VmHWM) next to their memory at 0 runs, the start rate,
 * and the runs list's latency (`GET /api/v1/runs?limit=100`, and with
 * `status=waiting`) next to a bare `listWorkflowExecutions` of the same query,
 * interleaved. After the last checkpoint every run is approved through the
 * API, and the bench waits until visibility counts every one `succeeded`.
 *
 * Environment (docs/benchmarks.md):
 *   COFLOW_BENCH_RUNS          the top count (default 10000)
 *   COFLOW_BENCH_CHECKPOINTS   counts to measure at (default 1000,5000,10000; those above the top are dropped)
 *   COFLOW_BENCH_TEMPORAL      dev (Temporal CLI dev server, SQLite store shared by both processes) or
 *                              real (real Temporal server and PostgreSQL store, COFLOW_BENCH_PG_PORT / COFLOW_BENCH_TEMPORAL_PORT)
 *   COFLOW_BENCH_CONCURRENCY   requests in flight while starting and approving (default 16)
 *   COFLOW_BENCH_LIST_REQUESTS runs list requests per variant and checkpoint (default 200)
 *   COFLOW_BENCH_LOCK          a flock file (/tmp/coflow-tests.lock: the machine's test lock) held while the runs list is timed
 *   COFLOW_WORKER_CACHED_WORKFLOWS and the other COFLOW_* settings reach both processes as they would in production.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ApiClient, runPath } from '../cli/api-client.ts';
import { runQuery, type RunFilter } from '../api/run-list.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import { memoryOf, startApi, startWorker, stopAll, type BenchProcess, type Memory } from './support/coflow-processes.ts';
import { withMachineLock } from './support/machine-lock.ts';
import { machine, ms, percentile, ratio } from './support/stats.ts';
import { startTarget, type Target } from './support/targets.ts';

const env = process.env;
const TOP = Number(env.COFLOW_BENCH_RUNS ?? 10_000);
const CHECKPOINTS = [...new Set([...(env.COFLOW_BENCH_CHECKPOINTS ?? '1000,5000,10000').split(',').map(Number).filter((n) => n > 0 && n < TOP), TOP])].sort((a, b) => a - b);
const CONCURRENCY = Number(env.COFLOW_BENCH_CONCURRENCY ?? 16);
const LIST_REQUESTS = Number(env.COFLOW_BENCH_LIST_REQUESTS ?? 200);
const GATE = 'gate';

const gatedFlow = (uri: string): string => `uri: ${uri}
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: coflow/shell:1.0.0, script: "true" } ] } ] }
  - { type: pause, name: ${GATE} }
  - { name: deploy, actions: [ { name: a, jobs: [ { name: d, endpoint: coflow/shell:1.0.0, script: "true" } ] } ] }
`;

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (msec: number): Promise<void> => new Promise((r) => setTimeout(r, msec));
const mib = (m: Memory): string => `${m.rssMiB.toFixed(0)} MiB (peak ${m.peakMiB.toFixed(0)})`;

/** Calls `fn(i)` for i in [from, to) with `CONCURRENCY` calls in flight; resolves with the seconds it took. */
async function pool(from: number, to: number, fn: (i: number) => Promise<void>): Promise<number> {
  const t = performance.now();
  let next = from;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < to) await fn(next++);
  }));
  return (performance.now() - t) / 1000;
}

/** Polls a visibility count until it reaches `want`; prints progress every 30 s. */
async function untilCount(client: Client, what: string, query: string, want: number): Promise<number> {
  const t = performance.now();
  let last = 0;
  for (;;) {
    const { count } = await client.workflow.count(query).catch(() => ({ count: -1 }));
    if (count >= want) return (performance.now() - t) / 1000;
    if (performance.now() - last > 30_000) {
      say(`    … ${count} of ${want} ${what}`);
      last = performance.now();
    }
    await sleep(1000);
  }
}

interface ListFigures { readonly label: string; readonly api: number[]; readonly bare: number[] }

/** The runs list through the API against a bare listWorkflowExecutions of the same query, interleaved. */
async function listLatencies(api: string, client: Client): Promise<ListFigures[]> {
  const variants: { label: string; path: string; filter: RunFilter }[] = [
    { label: '?limit=100', path: '/api/v1/runs?limit=100', filter: {} },
    { label: '?status=waiting&limit=100', path: '/api/v1/runs?status=waiting&limit=100', filter: { status: 'waiting' } },
  ];
  const figures = variants.map((v) => ({ label: v.label, api: [] as number[], bare: [] as number[] }));
  for (let i = 0; i < LIST_REQUESTS; i++) {
    for (const [k, v] of variants.entries()) {
      let t = performance.now();
      const res = await fetch(api + v.path);
      const page = (await res.json()) as { runs?: unknown[] };
      figures[k]!.api.push(performance.now() - t);
      if (res.status !== 200 || page.runs?.length !== 100) throw new Error(`${v.path} answered ${res.status} with ${page.runs?.length ?? 0} runs`);
      t = performance.now();
      await client.workflowService.listWorkflowExecutions({ namespace: 'default', query: runQuery(v.filter), pageSize: 100 });
      figures[k]!.bare.push(performance.now() - t);
    }
  }
  return figures;
}

interface Platform { readonly api: BenchProcess; readonly worker: BenchProcess; readonly client: Client; readonly connection: Connection }

/** The API and the worker process on `target`, sharing its store (SQLite in one data directory, or PostgreSQL). */
async function startPlatform(target: Target, dir: string): Promise<Platform> {
  const bundlePath = join(dir, 'workflows.js');
  writeFileSync(bundlePath, (await bundleWorkflows()).code);
  const store = await target.store('scale');
  const shared = {
    COFLOW_TEMPORAL_ADDRESS: target.address,
    COFLOW_TASK_QUEUE: `bench-scale-${process.pid}`,
    COFLOW_DATA_DIR: join(dir, 'data'),
    COFLOW_WORKFLOW_BUNDLE: bundlePath,
    COFLOW_SECRETS_KEY: randomBytes(32).toString('base64'),
    COFLOW_DATABASE_URL: store?.kind === 'postgres' ? store.url : '',
    COFLOW_TOKENS: '',
    COFLOW_TOKENS_FILE: '',
  };
  const api = await startApi(shared);
  const worker = await startWorker('bench/scale-worker.ts', shared);
  const connection = await Connection.connect({ address: target.address });
  return { api, worker, connection, client: new Client({ connection, namespace: 'default' }) };
}

async function checkpoint(p: Platform, runs: number, rate: number, waitS: number): Promise<void> {
  const worker = memoryOf(p.worker.pid);
  const api = memoryOf(p.api.pid);
  say(`  ${runs} runs waiting — ${machine()}`);
  say(`    started at ${rate.toFixed(1)} runs/s; the last of them waiting ${waitS.toFixed(0)} s after the last start`);
  say(`    worker RSS ${mib(worker)}; API RSS ${mib(api)}`);
  const figures = await withMachineLock(env.COFLOW_BENCH_LOCK, () => listLatencies(p.api.url, p.client));
  say(`    runs list timed — ${machine()}`);
  for (const f of figures) {
    const [a50, a99, b50, b99] = [percentile(f.api, 50), percentile(f.api, 99), percentile(f.bare, 50), percentile(f.bare, 99)];
    say(`    runs list ${f.label.padEnd(26)} p50 ${ms(a50)} p99 ${ms(a99)}   bare listWorkflowExecutions p50 ${ms(b50)} p99 ${ms(b99)}   (p50 ${ratio(a50, b50)}, p99 ${ratio(a99, b99)})`);
  }
}

async function run(target: Target, dir: string): Promise<void> {
  const p = await startPlatform(target, dir);
  try {
    const api = new ApiClient(p.api.url);
    const uri = `bench/scale/s${Date.now().toString(36)}`;
    await api.applyFlow(gatedFlow(uri));
    say(`coflow scale benchmark — ${target.label}; worker cache COFLOW_WORKER_CACHED_WORKFLOWS=${env.COFLOW_WORKER_CACHED_WORKFLOWS ?? '(default)'}; concurrency ${CONCURRENCY}`);
    say(`  0 runs — worker RSS ${mib(memoryOf(p.worker.pid))}; API RSS ${mib(memoryOf(p.api.pid))} — ${machine()}`);
    const ids: string[] = [];
    let started = 0;
    for (const n of CHECKPOINTS) {
      const seconds = await pool(started, n, async (i) => void (ids[i] = (await api.startRun(uri)).runId));
      const rate = (n - started) / seconds;
      started = n;
      const waitS = await untilCount(p.client, 'waiting', runQuery({ flow: uri, status: 'waiting' }), n);
      await checkpoint(p, n, rate, waitS);
    }
    const approveS = await pool(0, ids.length, (i) => api.request('POST', `${runPath(ids[i]!)}/stages/${GATE}/approve`));
    const endS = await untilCount(p.client, 'succeeded', runQuery({ flow: uri, status: 'succeeded' }), ids.length);
    const { count: failed } = await p.client.workflow.count(`${runQuery({ flow: uri })} AND ExecutionStatus != 'Running' AND CoflowStatus != 'succeeded'`);
    say(`  approved all ${ids.length} at ${(ids.length / approveS).toFixed(1)} approvals/s (${approveS.toFixed(0)} s); every one succeeded ${endS.toFixed(0)} s after the last approval; ${failed} ended otherwise`);
    say(`  after — worker RSS ${mib(memoryOf(p.worker.pid))}; API RSS ${mib(memoryOf(p.api.pid))} — ${machine()}`);
  } finally {
    await p.connection.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-scale-'));
  const target = await startTarget(dir, env);
  const cleanUp = async (): Promise<void> => {
    await stopAll();
    await target.stop();
    if (env.COFLOW_BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    await run(target, dir);
  } finally {
    await cleanUp();
  }
}

await main();
