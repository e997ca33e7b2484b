/**
 * Benchmark: the run page with 500 jobs (10 stages × 5 parallel actions ×
 * 10 jobs), in Debian's Chromium, on a platform whose runner starts no
 * container (only drawing is measured, not Docker).
 *  (a) navigation → fully drawn: every one of the 500 job boxes present and
 *      coloured from the run's status, against the API calls the page needs
 *      (the status, then the flow version), fetched directly from Node;
 *  (b) a live run: how long one status event takes from its arrival to the
 *      next frame after it was drawn (the page's own `coflow:status`
 *      measures), and how many times the layout was computed;
 *  (c) the weight of a first load: the runs list and the run page, bytes as
 *      sent (gzipped) and unpacked.
 * Run with `npm run bench:web` (COFLOW_BENCH_REPEATS, default 5).
 */
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { ApiClient } from '../cli/api-client.ts';
import { findTemporalBin, startDevServer } from '../cli/temporal-server.ts';
import { cacheDir } from '../worker/config.ts';
import { startPlatform } from '../worker/platform.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import { ensureWebBuild } from '../web/build.ts';
import type { JobRunner } from '../activities/runner.ts';
import { freePort } from '../test/support/ports.ts';
import { chromiumPath } from '../test/browser/support.ts';
import { runBench, type Teardown } from './support/teardown.ts';

const REPEATS = Number(process.env.COFLOW_BENCH_REPEATS ?? 5);
const STAGES = 10;
const ACTIONS = 5;
const JOBS = 10;
const TOTAL = STAGES * ACTIONS * JOBS;
/** In the page (a function, not a string: the UI's CSP forbids eval; Node has no DOM types): every job box drawn and coloured succeeded. */
type PageGlobals = { document: { querySelectorAll(selector: string): { length: number } } };
const allSucceeded = (n: number): boolean => (globalThis as unknown as PageGlobals).document.querySelectorAll('g.job[data-state="succeeded"]').length === n;
/** Evaluated in the page: when the status was asked for and answered, and the flow version answered (ms from navigation start). */
const ANSWERED = `(() => {
  const entry = (part) => performance.getEntriesByType('resource').find((e) => e.name.includes(part) && !e.name.endsWith('/events'));
  return { asked: entry('/api/v1/runs/')?.startTime ?? NaN, status: entry('/api/v1/runs/')?.responseEnd ?? NaN, flow: entry('/api/v1/flows/')?.responseEnd ?? NaN };
})()`;
/** Evaluated in the page: the bytes of the page and the UI's files it loaded, as sent (gzipped) and unpacked. */
const WEIGHT = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource').filter((e) => e.name.includes('/assets/'));
  const sum = (key) => nav[key] + files.reduce((n, e) => n + e[key], 0);
  return { files: files.length + 1, sent: sum('encodedBodySize'), unpacked: sum('decodedBodySize') };
})()`;
const root = resolve(import.meta.dirname, '..');

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const median = (xs: number[]): number => sorted(xs)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number): number => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

interface Weight {
  readonly files: number;
  readonly sent: number;
  readonly unpacked: number;
}

/** Starts no container; `delayMs` spreads a run over time so the page sees many status events. */
let delayMs = 0;
const noopRunner: JobRunner = {
  kind: 'noop',
  run: () => new Promise((done) => setTimeout(() => done({ exitCode: 0, timedOut: false, cancelled: false }), delayMs)),
};

function bigFlow(uri: string): string {
  const lines = [`uri: ${uri}`, 'stages:'];
  for (let s = 0; s < STAGES; s++) {
    lines.push(`  - name: stage${s}`, '    sequencing: parallel', '    actions:');
    for (let a = 0; a < ACTIONS; a++) {
      lines.push(`      - name: action${a}`, '        jobs:');
      for (let j = 0; j < JOBS; j++) lines.push(`          - { name: job${j}, endpoint: coflow/shell:1.0.0, script: "true" }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(teardown: Teardown): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-web-'));
  teardown.add('the bench directory', () => rmSync(dir, { recursive: true, force: true }));
  const cache = cacheDir(process.env);
  const server = await startDevServer({
    bin: findTemporalBin({ ...(process.env.COFLOW_TEMPORAL_BIN ? { explicit: process.env.COFLOW_TEMPORAL_BIN } : {}), cacheDir: cache }),
    dbFile: join(dir, 'temporal.db'), port: await freePort(), headless: true, logFd: openSync(join(dir, 'temporal.log'), 'a'),
  });
  teardown.add('the Temporal dev server', () => server.stop(), { keepable: true });
  const [bundle, webRoot] = await Promise.all([bundleWorkflows(), ensureWebBuild(cache)]);
  const platform = await startPlatform({
    dataDir: join(dir, 'data'), temporalAddress: server.address, namespace: 'default', taskQueue: 'bench-web',
    apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock', componentsDir: join(root, 'components'),
    bundle, runner: noopRunner, webRoot,
  });
  teardown.add('the platform', () => platform.stop());
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  teardown.add('Chromium', () => browser.close());
  const api = new ApiClient(platform.apiUrl);
  const uri = 'bench/web/five-hundred';
  await api.applyFlow(bigFlow(uri));

  // (a) A finished run, opened again and again.
  const { runId } = await api.startRun(uri);
  await platform.client.workflow.getHandle(runId).result();
  const page = `/runs/${runId.replace('#', '/')}`;
  let runPageWeight: Weight | undefined;
  const apiTimes: number[] = [];
  const drawTimes: number[] = [];
  const askedAt: number[] = [];
  const statusAt: number[] = [];
  const flowAt: number[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    const t = performance.now();
    const status = (await (await fetch(`${platform.apiUrl}/api/v1${page}`)).json()) as { flowVersion: number };
    await (await fetch(`${platform.apiUrl}/api/v1/flows/${uri}?version=${status.flowVersion}`)).arrayBuffer();
    const apiMs = performance.now() - t;
    const context = await browser.newContext({ baseURL: platform.apiUrl, viewport: { width: 1400, height: 900 } });
    const tab = await context.newPage();
    await tab.goto(page);
    await tab.waitForFunction(allSucceeded, TOTAL, { polling: 'raf', timeout: 60_000 });
    const drawn = await tab.evaluate(() => performance.now());
    const answered = await tab.evaluate<{ asked: number; status: number; flow: number }>(ANSWERED);
    if (i === 1) runPageWeight = await tab.evaluate<Weight>(WEIGHT);
    await context.close();
    if (i === 0) continue; // warm-up: first build served, first connection
    apiTimes.push(apiMs);
    drawTimes.push(drawn);
    askedAt.push(answered.asked);
    statusAt.push(answered.status);
    flowAt.push(answered.flow);
  }

  // (c) The first load of the runs list (/): the page, the shell, the list's code and the stylesheet.
  const listContext = await browser.newContext({ baseURL: platform.apiUrl });
  const listTab = await listContext.newPage();
  await listTab.goto('/');
  await listTab.locator('table.list').waitFor();
  const listWeight = await listTab.evaluate<Weight>(WEIGHT);
  await listContext.close();

  // (b) A live run, followed from its start.
  delayMs = 40;
  const live = await api.startRun(uri);
  const context = await browser.newContext({ baseURL: platform.apiUrl, viewport: { width: 1400, height: 900 } });
  const tab = await context.newPage();
  await tab.goto(`/runs/${live.runId.replace('#', '/')}`);
  await tab.waitForFunction(allSucceeded, TOTAL, { polling: 1000, timeout: 300_000 });
  const measures = await tab.evaluate(() => ({
    status: performance.getEntriesByName('coflow:status').map((e) => e.duration),
    layout: performance.getEntriesByName('coflow:layout').map((e) => e.duration),
  }));
  await context.close();

  const lines = [
    `coflow web UI benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, Chromium ${browser.version()}, median of ${REPEATS}`,
    '',
    `(a) run page of a finished ${TOTAL}-job run (${STAGES} stages × ${ACTIONS} actions × ${JOBS} jobs), navigation → all ${TOTAL} boxes drawn and coloured:`,
    `    API calls the page needs (status, then flow version)   min ${ms(Math.min(...apiTimes))}  median ${ms(median(apiTimes))}  (baseline, 1.00×)`,
    `    page: navigation → fully drawn                          min ${ms(Math.min(...drawTimes))}  median ${ms(median(drawTimes))}  (${(median(drawTimes) / median(apiTimes)).toFixed(1)}× baseline)`,
    `      medians from navigation start: status asked at ${ms(median(askedAt))} (the shell loaded), answered at ${ms(median(statusAt))}; flow version answered at ${ms(median(flowAt))}; drawn at ${ms(median(drawTimes))}`,
    '',
    `(b) live ${TOTAL}-job run (runner answering after ${delayMs} ms), status events applied: ${measures.status.length}`,
    `    one status event → drawn (next frame)                   median ${ms(median(measures.status))}  p95 ${ms(pct(measures.status, 0.95))}  max ${ms(Math.max(...measures.status))}`,
    `    layout computed ${measures.layout.length} time(s), ${ms(measures.layout[0] ?? NaN)}`,
    '',
    '(c) page weight of a first load (the page and the UI files it fetched; API answers not counted):',
    `    runs list (/)          ${kib(listWeight.sent)} gzipped as sent (${kib(listWeight.unpacked)} unpacked), ${listWeight.files} files`,
    ...(runPageWeight ? [`    run page (500 jobs)    ${kib(runPageWeight.sent)} gzipped as sent (${kib(runPageWeight.unpacked)} unpacked), ${runPageWeight.files} files`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await runBench(process.env, main);
