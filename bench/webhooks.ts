/**
 * Benchmark: webhook delivery → run started. A second process fires signed
 * GitHub push deliveries (each a new delivery, so each starts a run) at the
 * API; the 201 comes back once Temporal accepted the run's workflow. The same
 * server answering `/healthz` under the same load, in the same run, is the
 * baseline: the ratio is what coflow's webhook path costs.
 * Prints p50/p99 latency and requests per second; run with `node bench/webhooks.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findTemporalBin, startDevServer } from '../cli/temporal-server.ts';
import { ApiClient } from '../cli/api-client.ts';
import { cacheDir } from '../worker/config.ts';
import { startPlatform } from '../worker/platform.ts';
import type { JobRunner } from '../activities/runner.ts';
import { freePort } from '../test/support/ports.ts';

const REQUESTS = Number(process.env.COFLOW_BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.COFLOW_BENCH_CONCURRENCY ?? 16);
const SECRET = 'bench-secret-0123456789';
const root = resolve(import.meta.dirname, '..');

/** Jobs finish at once: the runs' own work stays out of the measurement. */
const noopRunner: JobRunner = { kind: 'noop', run: () => Promise.resolve({ exitCode: 0, timedOut: false, cancelled: false }) };

interface LoadResult { p50: number; p99: number; rps: number; statuses: Record<string, number> }

function load(url: string, mode: 'hook' | 'get'): Promise<LoadResult> {
  // Asynchronous child: the server under test runs in this process.
  return new Promise((resolvePromise, reject) => {
    const out: Buffer[] = [];
    const child = execFile(url, mode);
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.once('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(Buffer.concat(out).toString()) as LoadResult) : reject(new Error(`load exited ${String(code)}`))));
  });
}

function execFile(url: string, mode: 'hook' | 'get') {
  return spawn(process.execPath, [join(root, 'bench/load.ts'), JSON.stringify({ url, mode, requests: REQUESTS, concurrency: CONCURRENCY, secret: SECRET })], { stdio: ['ignore', 'pipe', 'inherit'] });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-hooks-'));
  const server = await startDevServer({
    bin: findTemporalBin({ ...(process.env.COFLOW_TEMPORAL_BIN ? { explicit: process.env.COFLOW_TEMPORAL_BIN } : {}), cacheDir: cacheDir(process.env) }),
    dbFile: join(dir, 'temporal.db'), port: await freePort(), headless: true, logFd: openSync(join(dir, 'temporal.log'), 'a'),
  });
  const platform = await startPlatform({
    dataDir: join(dir, 'data'), temporalAddress: server.address, namespace: 'default', taskQueue: 'bench-hooks',
    apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock', componentsDir: join(root, 'components'),
    runner: noopRunner, resolveSecret: (name) => Promise.resolve(name === 'bench-hook' ? SECRET : undefined),
  });
  try {
    const api = new ApiClient(platform.apiUrl);
    await api.applyFlow(`
uri: bench/hooks/push
triggers:
  - github: { events: [push], branches: [main], secret: bench-hook }
stages:
  - name: s
    actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ]
`);
    const hookUrl = `${platform.apiUrl}/hooks/github/bench/hooks/push`;
    // Warm-up, then interleave: baseline, webhooks, baseline, webhooks.
    await load(`${platform.apiUrl}/healthz`, 'get');
    const base: LoadResult[] = [];
    const hooks: LoadResult[] = [];
    for (let i = 0; i < 2; i++) {
      base.push(await load(`${platform.apiUrl}/healthz`, 'get'));
      hooks.push(await load(hookUrl, 'hook'));
    }
    const mean = (rs: LoadResult[], k: 'p50' | 'p99' | 'rps'): number => rs.reduce((s, r) => s + r[k], 0) / rs.length;
    const row = (name: string, rs: LoadResult[]) => `| ${name} | ${mean(rs, 'p50').toFixed(1)} ms | ${mean(rs, 'p99').toFixed(1)} ms | ${mean(rs, 'rps').toFixed(0)} |`;
    process.stdout.write([
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; ${REQUESTS} requests × 2 rounds, ${CONCURRENCY} in flight, load from a second process`,
      '| route | p50 | p99 | requests/s |',
      '|---|---|---|---|',
      row('baseline: GET /healthz', base),
      row('POST /hooks/github (signed push → run started)', hooks),
      `ratio (webhook / baseline): p50 ${(mean(hooks, 'p50') / mean(base, 'p50')).toFixed(1)}×, p99 ${(mean(hooks, 'p99') / mean(base, 'p99')).toFixed(1)}×, throughput ${(mean(base, 'rps') / mean(hooks, 'rps')).toFixed(1)}× lower`,
      `statuses: ${JSON.stringify(hooks.map((h) => h.statuses))}`,
      '',
    ].join('\n'));
  } finally {
    await platform.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
