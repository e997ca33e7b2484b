/**
 * Benchmark: webhook delivery → run started, against its floor. A second
 * process fires signed GitHub push deliveries (each a new delivery, so each
 * starts a run) at the API; the 201 comes back once Temporal accepted the
 * run's workflow. Side by side, in interleaved rounds on the same server:
 * - the floor: a second process starting the same run workflow (`runFlow`,
 *   the run input a delivery produced, fresh ids) straight with a Temporal
 *   client, through the call the API makes — what Temporal alone costs;
 * - `GET /healthz` on the same API: what HTTP alone costs.
 * Between rounds the bench waits until the started runs have ended, so each
 * round starts on an idle server. Afterwards it checks that every delivery
 * started exactly one run (all 201, distinct run ids, and Temporal's
 * visibility counts one run per delivery), then times each step of an
 * intake on its own (bench/intake-split.ts).
 *
 * Run: `node bench/webhooks.ts` (the dev server and the embedded store), or
 * `COFLOW_BENCH_TEMPORAL=real node bench/webhooks.ts` (the production topology:
 * the real Temporal server and the store on PostgreSQL, bench/support/targets.ts).
 * Env: COFLOW_BENCH_REQUESTS (per round, default 400), COFLOW_BENCH_CONCURRENCY
 * (in flight, default 16), COFLOW_BENCH_ROUNDS (default 3), COFLOW_BENCH_SPLIT
 * (deliveries timed step by step, default 100; 0 skips), COFLOW_BENCH_PG_PORT,
 * COFLOW_BENCH_TEMPORAL_PORT, COFLOW_BENCH_KEEP (bench/support/targets.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultPayloadConverter, type Client } from '@temporalio/client';
import { ApiClient } from '../cli/api-client.ts';
import { RUN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import { startPlatform } from '../worker/platform.ts';
import { timeIntakeSteps } from './intake-split.ts';
import { noopRunner } from './support/noop-runner.ts';
import { machine, ms, ratio } from './support/stats.ts';
import { startTarget } from './support/targets.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';

const REQUESTS = Number(process.env.COFLOW_BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.COFLOW_BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.COFLOW_BENCH_ROUNDS ?? 3);
const SPLIT = Number(process.env.COFLOW_BENCH_SPLIT ?? 100);
const SECRET = 'bench-secret-0123456789';
const URI = 'bench/hooks/push';
const TASK_QUEUE = 'bench-hooks';
/** Floor runs take numbers from here up: never one a delivery claims. */
const FLOOR_NUMBERS = 1_000_000;
const root = resolve(import.meta.dirname, '..');

interface LoadResult { p50: number; p99: number; rps: number; statuses: Record<string, number>; runs: number }
type Mode = 'hook' | 'get' | 'floor';

/** One round of load from its own process (the server under test runs in this one). */
function load(mode: Mode, options: object, requests = REQUESTS): Promise<LoadResult> {
  return new Promise((resolvePromise, reject) => {
    const out: Buffer[] = [];
    const child = spawn(process.execPath, [join(root, 'bench/load.ts'), JSON.stringify({ mode, requests, concurrency: CONCURRENCY, ...options })], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(Buffer.concat(out).toString()) as LoadResult) : reject(new Error(`load (${mode}) exited ${String(code)}`))));
  });
}

const flowQuery = `${RUN_SEARCH_ATTRIBUTES.flow.name} = '${URI}'`;

/** Waits (up to 5 min) until visibility's count for `query` satisfies `done`; returns the last count. */
async function waitCount(client: Client, query: string, done: (n: number) => boolean): Promise<number> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (done(count) || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The input of a run a delivery started, as Temporal holds it: the floor starts the same. */
async function deliveryInput(client: Client, runId: string): Promise<unknown> {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error(`run ${runId} has no input in its history`);
  return defaultPayloadConverter.fromPayload(payload);
}

const mean = (rs: LoadResult[], k: 'p50' | 'p99' | 'rps'): number => rs.reduce((s, r) => s + r[k], 0) / rs.length;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-hooks-'));
  const target = await startTarget(dir, process.env);
  let worker: WorkerProcess | undefined;
  try {
    const store = await target.store('hooks');
    const shared = { temporalAddress: target.address, taskQueue: TASK_QUEUE, componentsDir: join(root, 'components'), ...(store ? { store } : {}) };
    // The production topology runs the worker in its own process (`coflow worker`); `coflow dev` runs both in one.
    worker = target.kind === 'real' ? await startWorkerProcess({ ...shared, dataDir: join(dir, 'worker') }) : undefined;
    const platform = await startPlatform({
      ...shared, dataDir: join(dir, 'data'), namespace: 'default', apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock',
      runner: noopRunner, runWorker: worker === undefined, ...(worker ? {} : { bundle: await bundleWorkflows() }),
      resolveSecret: (name) => Promise.resolve(name === 'bench-hook' ? SECRET : undefined),
    });
    try {
      await new ApiClient(platform.apiUrl).applyFlow(`
uri: ${URI}
triggers:
  - github: { events: [push], branches: [main], secret: bench-hook }
stages:
  - name: s
    actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ]
`);
      const hook = { url: `${platform.apiUrl}/hooks/github/${URI}`, secret: SECRET };
      const get = { url: `${platform.apiUrl}/healthz` };
      const idle = (): Promise<number> => waitCount(platform.client, `${flowQuery} AND ExecutionStatus = 'Running'`, (n) => n === 0);
      // Warm-up (connections, caches, the worker's bundle); its first run gives the floor its input.
      const warm = await load('hook', hook, 2 * CONCURRENCY);
      const inputFile = join(dir, 'floor-input.json');
      writeFileSync(inputFile, JSON.stringify(await deliveryInput(platform.client, `${URI}#1`)));
      const temporal = { address: target.address, namespace: 'default', taskQueue: TASK_QUEUE, inputFile };
      await load('floor', { temporal: { ...temporal, firstNumber: FLOOR_NUMBERS } }, 2 * CONCURRENCY);
      await load('get', get);
      await idle();

      const floor: LoadResult[] = [];
      const hooks: LoadResult[] = [];
      const base: LoadResult[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        floor.push(await load('floor', { temporal: { ...temporal, firstNumber: FLOOR_NUMBERS + (i + 1) * REQUESTS } }));
        await idle();
        hooks.push(await load('hook', hook));
        await idle();
        base.push(await load('get', get));
      }
      const deliveries = warm.runs + hooks.reduce((s, h) => s + h.runs, 0);
      const counted = await waitCount(platform.client, `${flowQuery} AND ${RUN_SEARCH_ATTRIBUTES.number.name} < ${FLOOR_NUMBERS}`, (n) => n >= deliveries);
      const row = (name: string, rs: LoadResult[]): string => `| ${name} | ${ms(mean(rs, 'p50'))} | ${ms(mean(rs, 'p99'))} | ${mean(rs, 'rps').toFixed(0)} |`;
      const rounds = (rs: LoadResult[]): string => rs.map((r) => `${r.rps.toFixed(0)}/s p99 ${r.p99.toFixed(0)}`).join(', ');
      process.stdout.write([
        `coflow webhook intake benchmark — ${target.label}; ${worker ? 'API and worker in separate processes (production topology)' : 'API and worker in one process (coflow dev)'}`,
        `machine: ${machine()}`,
        `${REQUESTS} requests × ${ROUNDS} interleaved rounds (floor, webhooks, /healthz), ${CONCURRENCY} in flight, load from a second process; mean of rounds`,
        '| load | p50 | p99 | requests/s |',
        '|---|---|---|---|',
        row('floor: client.workflow.start(runFlow)', floor),
        row('POST /hooks/github (signed push → run started)', hooks),
        row('GET /healthz', base),
        `rounds (rps, p99 ms): floor ${rounds(floor)}; webhooks ${rounds(hooks)}; /healthz ${rounds(base)}`,
        `webhook / floor: throughput ${ratio(mean(hooks, 'rps'), mean(floor, 'rps'))} (target ≥ 0.80×), p99 ${ratio(mean(hooks, 'p99'), mean(floor, 'p99'))} (target ≤ 1.50×), p50 ${ratio(mean(hooks, 'p50'), mean(floor, 'p50'))}`,
        `webhook / healthz: throughput ${ratio(mean(hooks, 'rps'), mean(base, 'rps'))}, p99 ${ratio(mean(hooks, 'p99'), mean(base, 'p99'))}, p50 ${ratio(mean(hooks, 'p50'), mean(base, 'p50'))}`,
        `one run per delivery: statuses ${JSON.stringify([warm, ...hooks].map((h) => h.statuses))}; distinct run ids ${deliveries} of ${2 * CONCURRENCY + ROUNDS * REQUESTS} deliveries; runs in visibility ${counted} (expected ${deliveries})${counted === deliveries ? '' : ' — MISMATCH'}`,
        `floor statuses: ${JSON.stringify(floor.map((f) => f.statuses))}`,
        '',
      ].join('\n'));
      if (SPLIT > 0) process.stdout.write(`${await timeIntakeSteps({ platform, uri: URI, secret: SECRET, deliveries: SPLIT, concurrency: CONCURRENCY })}\n`);
    } finally {
      await platform.stop();
    }
  } finally {
    await worker?.stop();
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
