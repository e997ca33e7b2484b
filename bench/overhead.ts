/**
 * Benchmark: what coflow adds on top of Temporal and Docker, measured side by
 * side in one run on one machine.
 *  (a) per-job overhead of a 20-job sequential flow against 20 no-op
 *      activities in a bare Temporal workflow on the same server — with real
 *      containers, and with a runner that starts nothing (orchestration only).
 * One docker job against `docker run --rm` is bench/docker-job.ts (`npm run bench:docker`).
 * Prints figures and ratios; run with `npm run bench`. With
 * COFLOW_BENCH_TEMPORAL=real it runs on the production topology instead of the
 * dev server: the real Temporal server on PostgreSQL (scripts/temporal-server.sh)
 * and coflow's store on PostgreSQL (scripts/postgres.sh).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, NativeConnection } from '@temporalio/worker';
import { ApiClient } from '../cli/api-client.ts';
import { startPlatform, type Platform } from '../worker/platform.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import type { JobRunner } from '../activities/runner.ts';
import { machine, median, ms } from './support/stats.ts';
import { noopRunner } from './support/noop-runner.ts';
import { settle } from './support/settle.ts';
import { startTarget } from './support/targets.ts';

const JOBS = 20;
const REPEATS = Number(process.env.COFLOW_BENCH_REPEATS ?? 5);
const root = resolve(import.meta.dirname, '..');



function sequentialFlow(uri: string, jobs: number): string {
  const list = Array.from({ length: jobs }, (_, i) => `          - { name: j${i}, endpoint: coflow/shell:1.0.0, script: "true" }`).join('\n');
  return `uri: ${uri}\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n${list}\n`;
}

/** Starts a run through the API and waits for its result (no status polling: queries would load the worker). */
async function timeRun(platform: Platform, uri: string): Promise<number> {
  const started = performance.now();
  const { runId } = await new ApiClient(platform.apiUrl).startRun(uri);
  const status = (await platform.client.workflow.getHandle(runId).result()) as RunStatus;
  if (status.state !== 'succeeded') throw new Error(`bench run ${runId} ${status.state}: ${status.error ?? ''}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  execFileSync('bash', [join(root, 'scripts/build-images.sh')], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-'));
  const server = await startTarget(dir, process.env);
  const bundle = await bundleWorkflows();
  const platformFor = async (name: string, runner?: JobRunner): Promise<Platform> => {
    const store = await server.store(name);
    return startPlatform({
      dataDir: join(dir, name), temporalAddress: server.address, namespace: 'default', taskQueue: `bench-${name}`,
      apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock', componentsDir: join(root, 'components'),
      bundle, ...(runner ? { runner } : {}), ...(store ? { store } : {}),
    });
  };
  const docker = await platformFor('docker');
  const noop = await platformFor('noop', noopRunner);

  // Baseline worker: a bare workflow of no-op activities on the same server.
  const connection = await NativeConnection.connect({ address: server.address });
  const bare = await Worker.create({
    connection, taskQueue: 'bench-bare',
    workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
    activities: { noop: () => Promise.resolve() },
  });
  const bareRunning = bare.run();

  try {
    const dApi = new ApiClient(docker.apiUrl);
    const nApi = new ApiClient(noop.apiUrl);
    // Distinct uris: both platforms share one Temporal server, and run ids (uri#number) must not meet.
    await dApi.applyFlow(sequentialFlow('bench/overhead/seq-docker', JOBS));
    await nApi.applyFlow(sequentialFlow('bench/overhead/seq-noop', JOBS));

    const bareTimes: number[] = [];
    const noopTimes: number[] = [];
    const dockerTimes: number[] = [];
    // Warm-up, then interleave the variants so drift hits them alike.
    await timeRun(noop, 'bench/overhead/seq-noop');
    for (let i = 0; i < REPEATS; i++) {
      // Each timed run starts from the same state of the server's task reader (support/settle.ts).
      await settle();
      const t = performance.now();
      await docker.client.workflow.execute('bareSequence', { taskQueue: 'bench-bare', workflowId: `bare-${i}-${Date.now()}`, args: [JOBS] });
      bareTimes.push(performance.now() - t);
      await settle();
      noopTimes.push(await timeRun(noop, 'bench/overhead/seq-noop'));
      await settle();
      dockerTimes.push(await timeRun(docker, 'bench/overhead/seq-docker'));
    }

    const perJob = (xs: number[]): number => median(xs) / JOBS;
    const bareJob = perJob(bareTimes);
    const lines = [
      `coflow overhead benchmark — ${machine()}, median of ${REPEATS}`,
      `on the ${server.label}`,
      '',
      `(a) ${JOBS}-job sequential flow, per job:`,
      `    bare Temporal workflow, ${JOBS} no-op activities   ${ms(bareJob)}  (baseline, 1.00×)`,
      `    coflow flow, runner that starts nothing           ${ms(perJob(noopTimes))}  (${(perJob(noopTimes) / bareJob).toFixed(2)}× baseline)`,
      `    coflow flow, docker runner (container per job)    ${ms(perJob(dockerTimes))}  (${(perJob(dockerTimes) / bareJob).toFixed(2)}× baseline)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    bare.shutdown();
    await bareRunning;
    await connection.close();
    await docker.stop();
    await noop.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
