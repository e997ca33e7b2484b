/**
 * Benchmark: the web UI's log viewer in Chromium on a job log of 100,000
 * lines (a real platform: Temporal dev server, Docker, the built UI).
 *  (a) loading: time from navigation to the first line shown and to every
 *      line loaded, against the same API pages fetched by the same browser
 *      alone (no rendering) — interleaved rounds, medians, ratio;
 *  (b) scrolling: the whole log scrolled through programmatically, a few
 *      viewports per animation frame: frames per second, median and p95
 *      frame time, the most log rows in the DOM at any frame.
 *
 *   node bench/web-logs.ts     (COFLOW_BENCH_REPEATS rounds, default 5; COFLOW_CHROMIUM as the browser tests)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ApiClient } from '../cli/api-client.ts';
import { findTemporalBin, startDevServer } from '../cli/temporal-server.ts';
import { cacheDir } from '../worker/config.ts';
import { startPlatform } from '../worker/platform.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import { ensureWebBuild } from '../web/build.ts';
import { chromiumPath } from '../test/browser/support.ts';
import { freePort } from '../test/support/ports.ts';
import { waitForRun } from '../test/support/harness.ts';
import { runBench, type Teardown } from './support/teardown.ts';

const COUNT = 100_000;
const REPEATS = Number(process.env.COFLOW_BENCH_REPEATS ?? 5);
const root = resolve(import.meta.dirname, '..');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** The little of the DOM the page functions use (this file compiles without the DOM library). */
interface ScrollBox { scrollTop: number; readonly clientHeight: number; readonly scrollHeight: number; querySelectorAll(sel: string): { length: number } }
interface Browser {
  readonly document: { querySelector(sel: string): (ScrollBox & { getAttribute(n: string): string | null; textContent: string | null }) | null };
  requestAnimationFrame(this: void, fn: (now: number) => void): number;
}

const FLOW = `
uri: bench/web/logs
stages:
  - name: s
    actions: [ { name: a, jobs: [ { name: big, endpoint: coflow/shell:1.0.0, script: "seq 1 ${COUNT} | sed 's/^/line /'" } ] } ]
`;

/** Opens the viewer; ms to the first line shown and to all lines loaded. */
async function viewerLoad(page: Page, url: string): Promise<{ first: number; all: number }> {
  await page.goto('about:blank');
  const t0 = performance.now();
  await page.goto(url);
  await page.locator('.log-line').first().waitFor();
  const first = performance.now() - t0;
  await page.waitForFunction((n) => {
    const { document } = globalThis as unknown as Browser;
    return document.querySelector('.log-viewer')?.getAttribute('data-lines') === String(n) && !document.querySelector('.log-status')?.textContent?.includes('loading');
  }, COUNT, { polling: 'raf', timeout: 120_000 });
  return { first, all: performance.now() - t0 };
}

/** ms for the browser alone to fetch and parse the same pages (limit 10,000). */
async function apiOnly(page: Page, logsPath: string): Promise<number> {
  return page.evaluate(async (path) => {
    const t0 = performance.now();
    let after = 0;
    let total = 0;
    for (;;) {
      const res = await fetch(`${path}&after=${after}&limit=10000`);
      const body = (await res.json()) as { lines: unknown[]; next: number };
      total += body.lines.length;
      after = body.next;
      if (body.lines.length < 10000) break;
    }
    if (total === 0) throw new Error('no lines');
    return performance.now() - t0;
  }, logsPath);
}

/** Scrolls from top to bottom, `viewports` per frame; frame times and DOM rows per frame. */
async function scrollThrough(page: Page, viewports: number): Promise<{ frames: number[]; maxRows: number; seconds: number }> {
  return page.evaluate(async (per) => {
    const { document, requestAnimationFrame } = globalThis as unknown as Browser;
    const el = document.querySelector('.log-scroll')!;
    el.scrollTop = 0;
    await new Promise((r) => requestAnimationFrame(r));
    const frames: number[] = [];
    let maxRows = 0;
    let last = performance.now();
    const t0 = last;
    await new Promise<void>((done) => {
      const tick = (now: number) => {
        frames.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, el.querySelectorAll('.log-line').length);
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return done();
        el.scrollTop += el.clientHeight * per;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    return { frames: frames.slice(1), maxRows, seconds: (performance.now() - t0) / 1000 };
  }, viewports);
}

/** A fresh run followed live from its start: seconds to the run's end, and to the viewer showing every line. */
async function followLive(api: ApiClient, page: Page, uri: string): Promise<{ run: number; viewer: number }> {
  const t0 = performance.now();
  const { runId } = await api.startRun(uri);
  const ended = waitForRun(api, runId, 300_000).then(() => (performance.now() - t0) / 1000);
  await page.goto(`/runs/${runId.replace('#', '/')}?job=s.a.big`);
  await page.waitForFunction((n) => (globalThis as unknown as Browser).document.querySelector('.log-viewer')?.getAttribute('data-lines') === String(n), COUNT, { polling: 'raf', timeout: 300_000 });
  return { run: await ended, viewer: (performance.now() - t0) / 1000 };
}

async function main(teardown: Teardown): Promise<void> {
  execFileSync('bash', [join(root, 'scripts/build-images.sh')], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-web-'));
  teardown.add('the bench directory', () => rmSync(dir, { recursive: true, force: true }));
  const server = await startDevServer({
    bin: findTemporalBin({ ...(process.env.COFLOW_TEMPORAL_BIN ? { explicit: process.env.COFLOW_TEMPORAL_BIN } : {}), cacheDir: cacheDir(process.env) }),
    dbFile: join(dir, 'temporal.db'), port: await freePort(), headless: true, logFd: openSync(join(dir, 'temporal.log'), 'a'),
  });
  teardown.add('the Temporal dev server', () => server.stop(), { keepable: true });
  const platform = await startPlatform({
    dataDir: join(dir, 'data'), temporalAddress: server.address, namespace: 'default', taskQueue: 'bench-web-logs',
    apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock', componentsDir: join(root, 'components'),
    bundle: await bundleWorkflows(), webRoot: await ensureWebBuild(cacheDir(process.env)),
  });
  teardown.add('the platform', () => platform.stop());
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  teardown.add('Chromium', () => browser.close());
  const api = new ApiClient(platform.apiUrl);
  const flow = await api.applyFlow(FLOW);
  const { runId } = await api.startRun(flow.uri);
  const t0 = performance.now();
  const run = await waitForRun(api, runId, 300_000);
  if (run.state !== 'succeeded') throw new Error(`bench run ${runId} ${run.state}`);
  const runSeconds = (performance.now() - t0) / 1000;
  const path = `/runs/${runId.replace('#', '/')}`;
  const page = await (await browser.newContext({ baseURL: platform.apiUrl, viewport: { width: 1400, height: 900 } })).newPage();

  const firsts: number[] = [];
  const alls: number[] = [];
  const apis: number[] = [];
  await viewerLoad(page, `${path}?job=s.a.big`); // warm-up (caches the assets)
  for (let i = 0; i < REPEATS; i++) {
    const load = await viewerLoad(page, `${path}?job=s.a.big`);
    firsts.push(load.first);
    alls.push(load.all);
    apis.push(await apiOnly(page, `/api/v1${path}/logs?job=s.a.big`));
  }
  const scrolls = [];
  for (let i = 0; i < 3; i++) scrolls.push(await scrollThrough(page, 3));
  const frames = scrolls.flatMap((s) => s.frames);
  const live = await followLive(api, page, flow.uri);

  console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Chromium ${browser.version()} headless, viewport 1400×900, ${REPEATS} rounds`);
  console.log(`job printing ${COUNT} lines: run took ${runSeconds.toFixed(1)} s (container + storing the lines)`);
  console.log(`time to first line shown:         ${median(firsts).toFixed(0)} ms (median)`);
  console.log(`time to all ${COUNT} lines loaded: ${median(alls).toFixed(0)} ms (median)`);
  console.log(`same pages by fetch alone:         ${median(apis).toFixed(0)} ms (median) → ratio ${(median(alls) / median(apis)).toFixed(2)}×`);
  console.log(`scrolling the whole log, 3 viewports per frame (${frames.length} frames in 3 passes, ${median(scrolls.map((s) => s.seconds)).toFixed(1)} s a pass):`);
  console.log(`  ${(1000 / (frames.reduce((a, b) => a + b, 0) / frames.length)).toFixed(1)} frames/s, median ${median(frames).toFixed(1)} ms, p95 ${pct(frames, 0.95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms`);
  console.log(`  log rows in the DOM at most: ${Math.max(...scrolls.map((s) => s.maxRows))}`);
  console.log(`followed live from the run's start: run ended after ${live.run.toFixed(1)} s, the viewer showed all ${COUNT} lines after ${live.viewer.toFixed(1)} s`);
}

await runBench(process.env, main);
