/**
 * Benchmark: RUNS runs of a JOBS-job sequential flow started at once, with the
 * runner that starts nothing (orchestration only), on one in-process platform
 * (API + worker, like `coflow dev`) — against the ideal (one run of the same
 * flow alone, measured in the same bench) and against bare Temporal: RUNS
 * bare workflows of JOBS no-op activities started at once on the same server
 * (bench/bare-workflow.ts), side by side. Prints the batch's total time, and
 * the gap between consecutive jobs of a run (job i's activity completed → job
 * i+1's started, from the histories) for the first tenth of the runs against
 * the last tenth, and for the first tenth of the batch's time against the
 * last: drift shows as growth.
 *
 *   npm run bench:concurrent
 *   COFLOW_BENCH_RUNS      runs started at once (default 100)
 *   COFLOW_BENCH_JOBS      jobs per run (default 10)
 *   COFLOW_BENCH_ALONE     runs of each variant alone, interleaved, for the ideal (default 3)
 *   COFLOW_BENCH_TEMPORAL  dev (default) | real: the production topology
 *                          (COFLOW_BENCH_PG_PORT, COFLOW_BENCH_TEMPORAL_PORT)
 *   COFLOW_BENCH_KEEP=1    leave the servers running
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { ApiClient } from '../cli/api-client.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { startPlatform, type Platform } from '../worker/platform.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import { deciles, runGaps, type GapSummary, type RunGaps } from './support/gaps.ts';
import { noopRunner } from './support/noop-runner.ts';
import { machine, median, ms } from './support/stats.ts';
import { startTarget } from './support/targets.ts';
import { runBench, type Teardown } from './support/teardown.ts';

const RUNS = Number(process.env.COFLOW_BENCH_RUNS ?? 100);
const JOBS = Number(process.env.COFLOW_BENCH_JOBS ?? 10);
const ALONE = Number(process.env.COFLOW_BENCH_ALONE ?? 3);
const root = resolve(import.meta.dirname, '..');
const URI = 'bench/concurrent/seq';
const BARE_QUEUE = 'bench-concurrent-bare';

function sequentialFlow(uri: string, jobs: number): string {
  const list = Array.from({ length: jobs }, (_, i) => `          - { name: j${i}, endpoint: coflow/shell:1.0.0, script: "true" }`).join('\n');
  return `uri: ${uri}\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n${list}\n`;
}

interface Batch {
  readonly totalMs: number;
  readonly runs: readonly RunGaps[];
}

/** A variant: starts n runs at once, awaits them all, reads their gaps. */
interface Variant {
  readonly name: string;
  batch(n: number): Promise<Batch>;
}

function coflowVariant(platform: Platform): Variant {
  const api = new ApiClient(platform.apiUrl);
  return {
    name: 'coflow',
    async batch(n) {
      const started = performance.now();
      const ids = await Promise.all(Array.from({ length: n }, async () => {
        const { runId } = await api.startRun(URI);
        const status = (await platform.client.workflow.getHandle(runId).result()) as RunStatus;
        if (status.state !== 'succeeded') throw new Error(`bench run ${runId} ${status.state}: ${status.error ?? ''}`);
        return runId;
      }));
      const totalMs = performance.now() - started;
      return { totalMs, runs: await Promise.all(ids.map((id) => runGaps(platform.client.workflow, id, 'runJobAttempt'))) };
    },
  };
}

function bareVariant(platform: Platform): Variant {
  let round = 0;
  return {
    name: 'bare Temporal',
    async batch(n) {
      const tag = `${Date.now()}-${round++}`;
      const started = performance.now();
      const ids = await Promise.all(Array.from({ length: n }, async (_, i) => {
        const workflowId = `bench-concurrent-bare-${tag}-${i}`;
        await platform.client.workflow.execute('bareSequence', { taskQueue: BARE_QUEUE, workflowId, args: [JOBS] });
        return workflowId;
      }));
      const totalMs = performance.now() - started;
      return { totalMs, runs: await Promise.all(ids.map((id) => runGaps(platform.client.workflow, id, 'noop'))) };
    },
  };
}

const sum = (runs: readonly RunGaps[], k: 'taskTimeouts' | 'activityRetries'): number => runs.reduce((n, r) => n + r[k], 0);
const gapLine = (label: string, g: GapSummary): string =>
  `      ${label.padEnd(34)} median ${ms(g.median).padStart(9)}  p99 ${ms(g.p99).padStart(9)}  max ${ms(g.max).padStart(9)}` +
  `   parts (medians): wf task queued ${ms(g.parts.wtWait)}, running ${ms(g.parts.wtRun)}; activity queued ${ms(g.parts.actWait)} (activity itself ${ms(g.parts.actRun)})`;

function report(name: string, alone: number[], aloneGaps: GapSummary, batch: Batch, bareBatch?: Batch): string[] {
  const d = deciles(batch.runs);
  const ideal = median(alone);
  return [
    `  ${name}:`,
    `    one run alone (ideal)                ${ms(median(alone)).padStart(10)}`,
    `    ${`${RUNS} runs at once, all done`.padEnd(36)} ${ms(batch.totalMs).padStart(10)}   ${(batch.totalMs / ideal).toFixed(1)}× the ideal; ${((RUNS * JOBS) / (batch.totalMs / 1000)).toFixed(0)} jobs/s` +
      (bareBatch ? `; ${(batch.totalMs / bareBatch.totalMs).toFixed(2)}× bare Temporal's batch` : ''),
    `    gap job i ended → job i+1 started (${d.all.count} gaps):`,
    gapLine('one run alone', aloneGaps),
    gapLine('first tenth of the runs (by start)', d.firstRuns),
    gapLine('last tenth of the runs', d.lastRuns),
    gapLine('first tenth of the batch\'s time', d.firstTime),
    gapLine('last tenth of the batch\'s time', d.lastTime),
    gapLine('all', d.all),
    `      workflow tasks timed out or failed: ${sum(batch.runs, 'taskTimeouts')}; activity retries: ${sum(batch.runs, 'activityRetries')}`,
  ];
}

async function main(teardown: Teardown): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-concurrent-'));
  teardown.add('the bench directory', () => rmSync(dir, { recursive: true, force: true }));
  const server = await startTarget(dir, process.env);
  teardown.add(server.label, () => server.stop(), { keepable: true });
  const store = await server.store('concurrent');
  const platform = await startPlatform({
    dataDir: join(dir, 'data'), temporalAddress: server.address, namespace: 'default', taskQueue: 'bench-concurrent',
    apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock', componentsDir: join(root, 'components'),
    bundle: await bundleWorkflows(), runner: noopRunner, ...(store ? { store } : {}),
  });
  teardown.add('the platform', () => platform.stop());
  const connection = await NativeConnection.connect({ address: server.address });
  teardown.add('the bare worker\'s connection', () => connection.close());
  const bareWorker = await Worker.create({
    connection, taskQueue: BARE_QUEUE,
    workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
    activities: { noop: () => Promise.resolve() },
  });
  const bareRunning = bareWorker.run();
  teardown.add('the bare worker', async () => { bareWorker.shutdown(); await bareRunning; });

  await new ApiClient(platform.apiUrl).applyFlow(sequentialFlow(URI, JOBS));
  const coflow = coflowVariant(platform);
  const bare = bareVariant(platform);
  await coflow.batch(1); // warm-up: bundles loaded, connections open, caches filled
  await bare.batch(1);
  const alone: Record<string, { times: number[]; runs: RunGaps[] }> = { coflow: { times: [], runs: [] }, bare: { times: [], runs: [] } };
  for (let i = 0; i < ALONE; i++) {
    for (const [key, variant] of [['coflow', coflow], ['bare', bare]] as const) {
      const b = await variant.batch(1);
      alone[key]!.times.push(b.totalMs);
      alone[key]!.runs.push(...b.runs);
    }
  }
  const coflowBatch = await coflow.batch(RUNS);
  const bareBatch = await bare.batch(RUNS);

  const aloneGaps = (key: string): GapSummary => deciles(alone[key]!.runs).all;
  process.stdout.write([
    `coflow concurrent runs benchmark — ${machine()}`,
    `on the ${server.label}; runner that starts nothing; ${RUNS} runs of a ${JOBS}-job sequential flow started at once`,
    `(coflow's batch first, then bare Temporal's; the ideal: median of ${ALONE} runs alone, interleaved)`,
    '',
    ...report(`bare Temporal: ${RUNS} workflows of ${JOBS} no-op activities (baseline)`, alone.bare!.times, aloneGaps('bare'), bareBatch),
    '',
    ...report('coflow', alone.coflow!.times, aloneGaps('coflow'), coflowBatch, bareBatch),
    '',
  ].join('\n'));
}

await runBench(process.env, main);
