/**
 * Benchmark: where the time of one job goes. Runs the 20-job sequential flow
 * with the runner that starts nothing and the bare workflow of 20 no-op
 * activities (bench/bare-workflow.ts) on the same server, interleaved, then
 * reads both histories: per job, the events by type, the payload bytes of the
 * activity input and result, and the median time between consecutive events
 * of one round trip (server timestamps). Also the worker's own time per
 * attempt (coflow_job_attempt_duration_seconds), the status read's cost on a
 * run of 20 and of 500 jobs, and the worker's bundle and poller settings.
 *
 * One command: `node bench/anatomy.ts` (dev server) or
 * `COFLOW_BENCH_TEMPORAL=real node bench/anatomy.ts` (production topology).
 * Env: COFLOW_BENCH_REPEATS (default 5) runs of each; COFLOW_BENCH_BIG_JOBS
 * (default 500) jobs of the run whose status is read; COFLOW_BENCH_PG_PORT,
 * COFLOW_BENCH_TEMPORAL_PORT, COFLOW_BENCH_KEEP as in bench/support/targets.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { ApiClient } from '../cli/api-client.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { statusQuery } from '../contracts/signals.ts';
import { startPlatform } from '../worker/platform.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import { anatomy, STEPS, type HistoryAnatomy } from './support/history-anatomy.ts';
import { noopRunner } from './support/noop-runner.ts';
import { settle } from './support/settle.ts';
import { machine, median, ms } from './support/stats.ts';
import { startTarget } from './support/targets.ts';

const JOBS = 20;
const REPEATS = Number(process.env.COFLOW_BENCH_REPEATS ?? 5);
const BIG = Number(process.env.COFLOW_BENCH_BIG_JOBS ?? 500);
const root = resolve(import.meta.dirname, '..');

const sequential = (uri: string): string =>
  `uri: ${uri}\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n${Array.from({ length: JOBS }, (_, i) => `          - { name: j${i}, endpoint: coflow/shell:1.0.0, script: "true" }`).join('\n')}\n`;

/** BIG one-job actions in parallel, then a gate: a run with a big tree that stays open. */
const big = (uri: string): string =>
  `uri: ${uri}\nstages:\n  - name: s\n    sequencing: parallel\n    actions:\n${Array.from({ length: BIG }, (_, i) => `      - { name: a${i}, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "true" } ] }`).join('\n')}\n  - { type: pause, name: gate }\n`;

async function timed<T>(f: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

async function medianOf(n: number, f: () => Promise<unknown>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await timed(f));
  return median(xs);
}

/** Median over every round of every history: gaps per step, bytes, events by type. */
function summarise(all: readonly HistoryAnatomy[]) {
  const rounds = all.flatMap((a) => a.rounds);
  const types = [...new Set(rounds.flatMap((r) => Object.keys(r.events)))].sort();
  return {
    gaps: STEPS.map((_, k) => median(rounds.map((r) => r.gaps[k]!))),
    total: median(rounds.map((r) => r.gaps.reduce((x, y) => x + y, 0))),
    events: Object.fromEntries(types.map((t) => [t, median(rounds.map((r) => r.events[t] ?? 0))])),
    inputBytes: median(rounds.map((r) => r.inputBytes)),
    resultBytes: median(rounds.map((r) => r.resultBytes)),
    historyEvents: median(all.map((a) => a.totalEvents)),
    startInputBytes: median(all.map((a) => a.startInputBytes)),
  };
}

/** Sum and count of the attempt-duration histogram on /metrics: the worker's own time per attempt. */
async function attemptSeconds(apiUrl: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const value = (name: string): number => text.split('\n').filter((l) => l.startsWith(name)).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
  return { sum: value('coflow_job_attempt_duration_seconds_sum'), count: value('coflow_job_attempt_duration_seconds_count') };
}

/**
 * The status read: GET /api/v1/runs/<id> (describe + result) and the query on
 * an ended 20-job run; the same on an open BIG-job run waiting at its gate
 * (describe + query), terminated afterwards.
 */
async function statusReads(api: ApiClient, client: Client, ended: string): Promise<string[]> {
  const getEnded = await medianOf(10, () => api.runStatus(ended));
  const querySmall = await medianOf(10, () => client.workflow.getHandle(ended).query(statusQuery));
  const smallBytes = JSON.stringify(await api.runStatus(ended)).length;
  const { runId: bigRun } = await api.startRun('bench/anatomy/big');
  const bigHandle = client.workflow.getHandle(bigRun);
  for (let s = await api.runStatus(bigRun); s.state !== 'waiting'; s = await api.runStatus(bigRun)) await new Promise((r) => setTimeout(r, 500));
  const getBig = await medianOf(10, () => api.runStatus(bigRun));
  const queryBig = await medianOf(10, () => bigHandle.query(statusQuery));
  const bigBytes = JSON.stringify(await bigHandle.query(statusQuery)).length;
  await bigHandle.terminate('anatomy bench done');
  return [
    `status read, ended ${JOBS}-job run: GET /api/v1/runs/<id> ${ms(getEnded)}, query ${ms(querySmall)}, ${smallBytes} bytes`,
    `status read, open ${BIG}-job run:  GET /api/v1/runs/<id> ${ms(getBig)}, query ${ms(queryBig)}, ${bigBytes} bytes`,
  ];
}

/** The bundle's size and the worker settings both workers get by default. */
function settingsLine(bundleBytes: number, o: Worker['options']): string {
  return `bundle: ${(bundleBytes / 1024).toFixed(0)} KiB; worker defaults (same for both): reuseV8Context ${String(o.reuseV8Context)}, ` +
    `maxCachedWorkflows ${o.maxCachedWorkflows}, stickyQueueScheduleToStartTimeout ${o.stickyQueueScheduleToStartTimeoutMs} ms, ` +
    `workflow task pollers ${JSON.stringify(o.workflowTaskPollerBehavior)}, activity task pollers ${JSON.stringify(o.activityTaskPollerBehavior)}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-anatomy-'));
  const server = await startTarget(dir, process.env);
  const bundle = await bundleWorkflows();
  const store = await server.store('anatomy');
  const platform = await startPlatform({
    dataDir: join(dir, 'noop'), temporalAddress: server.address, namespace: 'default', taskQueue: 'bench-anatomy',
    apiHost: '127.0.0.1', apiPort: 0, dockerSocket: '/var/run/docker.sock', componentsDir: join(root, 'components'),
    bundle, runner: noopRunner, ...(store ? { store } : {}),
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const bare = await Worker.create({
    connection, taskQueue: 'bench-anatomy-bare',
    workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
    activities: { noop: () => Promise.resolve() },
  });
  const bareRunning = bare.run();
  const client = platform.client;
  const api = new ApiClient(platform.apiUrl);
  try {
    await api.applyFlow(sequential('bench/anatomy/seq'));
    await api.applyFlow(big('bench/anatomy/big'));
    const runFlow = async (): Promise<string> => {
      const { runId } = await api.startRun('bench/anatomy/seq');
      const status = (await client.workflow.getHandle(runId).result()) as RunStatus;
      if (status.state !== 'succeeded') throw new Error(`run ${runId} ${status.state}`);
      return runId;
    };
    await runFlow(); // warm-up
    const before = await attemptSeconds(platform.apiUrl);
    const coflowRuns: string[] = [];
    const bareRuns: string[] = [];
    const wall = { coflow: [] as number[], bare: [] as number[] };
    for (let i = 0; i < REPEATS; i++) {
      const id = `bare-${i}-${Date.now()}`;
      await settle();
      wall.bare.push(await timed(() => client.workflow.execute('bareSequence', { taskQueue: 'bench-anatomy-bare', workflowId: id, args: [JOBS] })));
      bareRuns.push(id);
      await settle();
      const t = performance.now();
      coflowRuns.push(await runFlow());
      wall.coflow.push(performance.now() - t);
    }
    const after = await attemptSeconds(platform.apiUrl);
    const histories = async (ids: string[], type: string) =>
      Promise.all(ids.map(async (id) => anatomy((await client.workflow.getHandle(id).fetchHistory()).events ?? [], type)));
    const c = summarise(await histories(coflowRuns, 'runJobAttempt'));
    const b = summarise(await histories(bareRuns, 'noop'));

    const reads = await statusReads(api, client, coflowRuns[0]!);

    const row = (name: string, x: number, y: number, unit = 'ms'): string =>
      `  ${name.padEnd(52)} ${unit === 'ms' ? ms(x).padStart(10) : String(x).padStart(10)} ${unit === 'ms' ? ms(y).padStart(10) : String(y).padStart(10)}`;
    const lines = [
      `where the time of a job goes — ${machine()}`,
      `on the ${server.label}; ${REPEATS} runs of each, interleaved; medians over every job of every run`,
      '',
      `  ${'per job'.padEnd(52)} ${'bare'.padStart(10)} ${'coflow'.padStart(10)}`,
      row('wall time of the run / jobs', median(wall.bare) / JOBS, median(wall.coflow) / JOBS),
      ...STEPS.map((s, k) => row(s, b.gaps[k]!, c.gaps[k]!)),
      row('one round (activity scheduled → next scheduled)', b.total, c.total),
      ...[...new Set([...Object.keys(b.events), ...Object.keys(c.events)])].sort().map((t) => row(`events: ${t}`, b.events[t] ?? 0, c.events[t] ?? 0, 'n')),
      row('activity input bytes', b.inputBytes, c.inputBytes, 'n'),
      row('activity result bytes', b.resultBytes, c.resultBytes, 'n'),
      row('history events of a whole run', b.historyEvents, c.historyEvents, 'n'),
      row('workflow start input bytes', b.startInputBytes, c.startInputBytes, 'n'),
      '',
      `worker time per coflow attempt (coflow_job_attempt_duration_seconds): ${ms(((after.sum - before.sum) / Math.max(1, after.count - before.count)) * 1000, 2)}`,
      ...reads,
      settingsLine(bundle.code.length, bare.options),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    bare.shutdown();
    await bareRunning;
    await connection.close();
    await platform.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
