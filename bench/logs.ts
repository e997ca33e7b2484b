/**
 * Benchmark: job logs through coflow against Docker's own, side by side.
 *  (a) Throughput without loss: a docker job printing LINES lines as fast as
 *      it can (`seq 1 LINES`); the run's time from start to end, and every
 *      line read back through the API and checked (each stored once, in
 *      order) — against the same image and command as a plain container
 *      (`docker run -d` → `docker wait`: the rate it writes its json-file
 *      log), whose `docker logs` read-back is timed and checked too. Rounds
 *      interleaved, medians.
 *  (b) Latency from a line printed to the line shown by `coflow logs -f`
 *      (the real CLI process, following the API's SSE stream): a job printing
 *      a line every 100 ms for TICKS lines; each line's arrival at the
 *      follower minus the time Docker received it (its log timestamp, which
 *      coflow stores as the line's ts) — against `docker logs -f --timestamps`
 *      of a plain container doing the same, run at the same time.
 *
 *   npm run bench:logs
 *   COFLOW_BENCH_LINES     lines printed in (a) (default 200000)
 *   COFLOW_BENCH_REPEATS   rounds of (a) (default 3)
 *   COFLOW_BENCH_TICKS     lines printed in (b), one per 100 ms (default 100)
 *   COFLOW_BENCH_TEMPORAL  dev (default; API and worker in one process, like `coflow dev`) |
 *                          real: the production topology — its servers, the PostgreSQL store, and the
 *                          API apart from the worker (COFLOW_BENCH_PG_PORT, COFLOW_BENCH_TEMPORAL_PORT)
 *   COFLOW_BENCH_KEEP=1    leave the servers running
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiClient } from '../cli/api-client.ts';
import type { StoredLogLine } from '../contracts/logs.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { startPlatform, type Platform } from '../worker/platform.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import { now, plainFollow, plainRate, removeBenchContainers, type Arrival } from './support/plain-container.ts';
import { machine, median, ms, percentile, spread } from './support/stats.ts';
import { startTarget } from './support/targets.ts';
import { runBench, type Teardown } from './support/teardown.ts';

const LINES = Number(process.env.COFLOW_BENCH_LINES ?? 200_000);
const REPEATS = Number(process.env.COFLOW_BENCH_REPEATS ?? 3);
const TICKS = Number(process.env.COFLOW_BENCH_TICKS ?? 100);
const IMAGE = 'coflow/shell:1.0.0';
const root = resolve(import.meta.dirname, '..');
const PRINT = `seq 1 ${LINES}`;
// Two seconds of quiet first: both followers attach before the first line.
const TICK = `sleep 2; i=0; while [ $i -lt ${TICKS} ]; do i=$((i+1)); echo "tick $i"; sleep 0.1; done`;
const expected = (n: number, text: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => text(i + 1));

function flow(uri: string, job: string, script: string): string {
  return `uri: ${uri}\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n          - name: ${job}\n            endpoint: ${IMAGE}\n            script: ${JSON.stringify(script)}\n`;
}

/** Every stdout line of `job`, read back page by page through the API. */
async function readBack(api: ApiClient, runId: string, job: string): Promise<string[]> {
  const texts: string[] = [];
  for (let after = 0; ;) {
    const page = await api.logs(runId, { job, after });
    if (page.lines.length === 0) return texts;
    for (const l of page.lines) if (l.stream === 'stdout') texts.push(l.text);
    after = page.next;
  }
}

/** Where two line lists first differ, or undefined when they are equal. */
function firstDifference(got: readonly string[], want: readonly string[]): string | undefined {
  const i = want.findIndex((w, k) => got[k] !== w);
  if (i >= 0) return `line ${i + 1}: expected ${JSON.stringify(want[i])}, got ${JSON.stringify(got[i])} (${got.length} lines)`;
  return got.length === want.length ? undefined : `${got.length} lines, expected ${want.length}`;
}

async function runToEnd(platform: Platform, runId: string): Promise<void> {
  const status = (await platform.client.workflow.getHandle(runId).result()) as RunStatus;
  if (status.state !== 'succeeded') throw new Error(`bench run ${runId} ${status.state}: ${status.error ?? ''}`);
}

async function coflowRate(platform: Platform, api: ApiClient): Promise<{ runMs: number; readMs: number; lines: string[] }> {
  const started = performance.now();
  const { runId } = await api.startRun('bench/logs/print');
  await runToEnd(platform, runId);
  const runMs = performance.now() - started;
  const read = performance.now();
  const lines = await readBack(api, runId, 's.a.print');
  return { runMs, readMs: performance.now() - read, lines };
}

/** A run of the ticking flow followed by the real `coflow logs -f` process: each stdout line's latency. */
async function coflowFollow(platform: Platform, api: ApiClient): Promise<Arrival[]> {
  const { runId } = await api.startRun('bench/logs/tick');
  const cli = spawn(process.execPath, [join(root, 'cli/coflow.ts'), '--api', platform.apiUrl, '--json', 'logs', runId, 's.a.tick', '-f'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const arrivals: Arrival[] = [];
  for await (const text of createInterface({ input: cli.stdout })) {
    const at = now();
    const line = JSON.parse(text) as StoredLogLine;
    if (line.stream === 'stdout') arrivals.push({ text: line.text, latencyMs: at - line.ts });
  }
  await runToEnd(platform, runId);
  return arrivals;
}

const fmtSpread = (xs: number[]): string => { const s = spread(xs); return `${ms(s.min, 0)} / ${ms(s.median, 0)} / ${ms(s.max, 0)}`; };
const rate = (lines: number, msTaken: number): string => `${Math.round(lines / (msTaken / 1000)).toLocaleString('en')} lines/s`;
const latencyLine = (label: string, xs: readonly Arrival[]): string => {
  const l = xs.map((a) => a.latencyMs);
  return `    ${label.padEnd(44)} p50 ${ms(median(l)).padStart(9)}  p99 ${ms(percentile(l, 99)).padStart(9)}  max ${ms(Math.max(...l)).padStart(9)}  (${l.length} lines)`;
};

async function main(teardown: Teardown): Promise<void> {
  execFileSync('bash', [join(root, 'scripts/build-images.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-logs-'));
  teardown.add('the bench directory', () => rmSync(dir, { recursive: true, force: true }));
  teardown.add('the bench\'s plain containers', removeBenchContainers);
  const server = await startTarget(dir, process.env);
  teardown.add(server.label, () => server.stop(), { keepable: true });
  const store = await server.store('logs');
  const common = {
    temporalAddress: server.address, namespace: 'default', taskQueue: 'bench-logs',
    apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock', componentsDir: join(root, 'components'),
  };
  // dev: API and worker in one process, like `coflow dev`; real: apart, like the production topology
  // (two platforms on one store: the worker's appends reach the API's followers through the database only).
  const worker = store ? await startPlatform({ ...common, dataDir: join(dir, 'worker'), store, serveApi: false, bundle: await bundleWorkflows() }) : undefined;
  if (worker) teardown.add('the worker (its job containers)', () => worker.stop());
  const platform = await startPlatform({ ...common, dataDir: join(dir, 'data'), ...(store ? { store, runWorker: false } : { bundle: await bundleWorkflows() }) });
  teardown.add('the platform (its job containers)', () => platform.stop());
  const api = new ApiClient(platform.apiUrl);
  await api.applyFlow(flow('bench/logs/print', 'print', PRINT));
  await api.applyFlow(flow('bench/logs/tick', 'tick', TICK));

  // (a) Interleaved rounds; each read-back checked line by line.
  const want = expected(LINES, String);
  const plain = { run: [] as number[], read: [] as number[] };
  const coflow = { run: [] as number[], read: [] as number[] };
  for (let round = 0; round < REPEATS; round++) {
    const p = await plainRate(IMAGE, PRINT);
    const pBad = firstDifference(p.lines, want);
    if (pBad) throw new Error(`docker logs lost or changed lines: ${pBad}`);
    plain.run.push(p.runMs);
    plain.read.push(p.readMs);
    const c = await coflowRate(platform, api);
    const cBad = firstDifference(c.lines, want);
    if (cBad) throw new Error(`coflow lost or changed lines: ${cBad}`);
    coflow.run.push(c.runMs);
    coflow.read.push(c.readMs);
  }

  // (b) Both followers at once, so load hits them alike.
  const [plainArrivals, coflowArrivals] = await Promise.all([plainFollow(IMAGE, TICK), coflowFollow(platform, api)]);
  const ticks = expected(TICKS, (i) => `tick ${i}`);
  for (const [who, xs] of [['docker logs -f', plainArrivals], ['coflow logs -f', coflowArrivals]] as const) {
    const bad = firstDifference(xs.map((a) => a.text), ticks);
    if (bad) throw new Error(`${who} lost or changed lines: ${bad}`);
  }

  const pRun = median(plain.run);
  const cRun = median(coflow.run);
  process.stdout.write([
    `coflow logs benchmark — ${machine()}`,
    `on the ${server.label}; ${worker ? 'API and worker apart (two platforms on one store)' : 'API and worker in one process'}; image ${IMAGE}`,
    '',
    `(a) a job printing ${LINES.toLocaleString('en')} lines (\`${PRINT}\`) as fast as it can, median of ${REPEATS} interleaved rounds; every line checked: stored once, in order`,
    `    plain container, docker run -d → docker wait (baseline)   ${ms(pRun, 0).padStart(9)}  ${rate(LINES, pRun).padStart(16)}   1.00×`,
    `    coflow run, start → end (every line stored)              ${ms(cRun, 0).padStart(9)}  ${rate(LINES, cRun).padStart(16)}   ${(pRun / cRun).toFixed(2)}× the baseline's rate`,
    `    rounds (min/median/max): plain ${fmtSpread(plain.run)}; coflow ${fmtSpread(coflow.run)}`,
    `    read back: docker logs ${ms(median(plain.read), 0)}; coflow API pages ${ms(median(coflow.read), 0)} (${(median(coflow.read) / median(plain.read)).toFixed(2)}×)`,
    '',
    `(b) latency, a line printed (Docker's log timestamp) → shown by the follower; a line every 100 ms, ${TICKS} lines, both at once`,
    latencyLine('docker logs -f --timestamps (baseline)', plainArrivals),
    latencyLine('coflow logs -f (the CLI process, API SSE)', coflowArrivals),
    '',
  ].join('\n'));
}

await runBench(process.env, main);
