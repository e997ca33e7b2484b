/**
 * Benchmark: one docker job through coflow against `docker run --rm` of the
 * same image and command, in interleaved pairs (the order alternates pair by
 * pair, so drift and warm caches hit both alike), on the Temporal CLI dev
 * server (embedded SQLite store) and on the production topology (real
 * Temporal server and store on PostgreSQL). Prints min/median/max of each,
 * of the pair-by-pair ratios, and where the time of the coflow job goes: a
 * timeline from the client's marks, the run's history and a trace of the
 * runner's Docker API calls, beside the same calls `docker run --rm` makes,
 * issued by hand from this process.
 *
 * Run: `npm run bench:docker` (under `/work/bin/test-lock` on a shared machine).
 * Environment:
 *   COFLOW_BENCH_PAIRS     interleaved pairs per target (default 15, at least 1)
 *   COFLOW_BENCH_TEMPORAL  dev | real | both (default both)
 *   COFLOW_BENCH_PG_PORT, COFLOW_BENCH_TEMPORAL_PORT, COFLOW_BENCH_KEEP  the real target's (bench/support/targets.ts)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Dockerode from 'dockerode';
import type { JobRunner } from '../activities/runner.ts';
import { ApiClient } from '../cli/api-client.ts';
import { DockerRunner } from '../activities/docker-runner.ts';
import { startPlatform } from '../worker/platform.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { machine, spread, ms, type Spread } from './support/stats.ts';
import { startTarget, type TargetKind } from './support/targets.ts';
import { tracedDocker, type DockerCall } from './support/docker-trace.ts';
import { dockerMarks, historyMarks, timeline, type Marks } from './support/run-steps.ts';

const root = resolve(import.meta.dirname, '..');
const PAIRS = Math.max(1, Number(process.env.COFLOW_BENCH_PAIRS ?? 15));
const SOCKET = '/var/run/docker.sock';
const IMAGE = 'coflow/shell:1.0.0';
const URI = 'bench/docker-job/one';
const FLOW = `uri: ${URI}\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n          - { name: j, endpoint: ${IMAGE}, script: "true" }\n`;

const now = (): number => performance.timeOrigin + performance.now();

/** What is running, newest last: stopped by the finally blocks, or here on Ctrl-C / SIGTERM. */
const running: (() => Promise<void>)[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (async () => {
      for (const stop of running.reverse()) await stop().catch(() => undefined);
      process.exit(130);
    })();
  });
}

/** Runs `body` with `stop` registered for the signal handler, and stops afterwards in any case. */
async function holding<T>(stop: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  running.push(stop);
  try {
    return await body();
  } finally {
    running.splice(running.indexOf(stop), 1);
    await stop();
  }
}

function kinds(env: NodeJS.ProcessEnv): TargetKind[] {
  const asked = env.COFLOW_BENCH_TEMPORAL ?? 'both';
  if (asked === 'both') return ['dev', 'real'];
  if (asked === 'dev' || asked === 'real') return [asked];
  throw new Error(`COFLOW_BENCH_TEMPORAL=${asked}: expected dev, real or both`);
}

/** The baseline: the docker CLI, as a user would type it. */
function dockerRun(): number {
  const t = performance.now();
  execFileSync('docker', ['run', '--rm', '--entrypoint', '/bin/sh', IMAGE, '-c', 'true']);
  return performance.now() - t;
}

/** What `docker run --rm` asks of the daemon (create with attach, attach, wait until removed, start), from this process. */
async function dockerRunByHand(docker: Dockerode, calls: DockerCall[]): Promise<{ took: number; marks: Marks }> {
  const t = now();
  const container = await docker.createContainer({
    Image: IMAGE, Entrypoint: ['/bin/sh'], Cmd: ['-c', 'true'], AttachStdout: true, AttachStderr: true,
    HostConfig: { AutoRemove: true },
  });
  const stream = await container.attach({ stream: true, stdout: true, stderr: true });
  stream.resume();
  const removed = container.wait({ condition: 'removed' });
  await container.start();
  await removed;
  const end = now();
  const marks: Marks = new Map([['client sent', t], ['client done', end]]);
  dockerMarks(calls, t, end, marks);
  // Only this process's calls are traced, and only those of the current measurement matter.
  calls.length = 0;
  return { took: end - t, marks };
}

interface Figures { docker: number[]; coflow: number[]; ratios: number[]; byHand: number[]; coflowMarks: Marks[]; byHandMarks: Marks[] }

/** The docker runner, with a mark when the activity hands it the job and when it hands back the result. */
function markedRunner(docker: Dockerode, marks: { called: number; returned: number }[]): JobRunner {
  const inner = new DockerRunner({ docker });
  return {
    kind: inner.kind,
    workspaces: inner.workspaces,
    async run(spec, hooks) {
      const mark = { called: now(), returned: Number.NaN };
      marks.push(mark);
      try {
        return await inner.run(spec, hooks);
      } finally {
        mark.returned = now();
      }
    },
  };
}

async function measure(kind: TargetKind): Promise<{ label: string; figures: Figures }> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-docker-'));
  const stopTarget = { stop: (): Promise<void> => Promise.resolve() };
  return holding(async () => {
    await stopTarget.stop();
    rmSync(dir, { recursive: true, force: true });
  }, async () => {
    const target = await startTarget(dir, { ...process.env, COFLOW_BENCH_TEMPORAL: kind });
    stopTarget.stop = () => target.stop();
    const calls: DockerCall[] = [];
    const docker = tracedDocker(SOCKET, calls);
    const runnerMarks: { called: number; returned: number }[] = [];
    const store = await target.store('docker-job');
    const platform = await startPlatform({
      dataDir: join(dir, 'platform'), temporalAddress: target.address, namespace: 'default', taskQueue: 'bench-docker-job',
      apiHost: '127.0.0.1', apiPort: 0, dockerSocket: SOCKET, componentsDir: join(root, 'components'),
      bundle: await bundleWorkflows(), runner: markedRunner(docker, runnerMarks), ...(store ? { store } : {}),
    });
    return holding(() => platform.stop(), async () => {
      const api = new ApiClient(platform.apiUrl);
      await api.applyFlow(FLOW);
      const coflowRun = async (): Promise<{ took: number; marks: Marks }> => {
        const t = now();
        const { runId } = await api.startRun(URI);
        const answered = now();
        const handle = platform.client.workflow.getHandle(runId);
        const status = (await handle.result()) as RunStatus;
        const end = now();
        if (status.state !== 'succeeded') throw new Error(`bench run ${runId} ${status.state}: ${status.error ?? ''}`);
        const marks: Marks = new Map([['client sent', t], ['API answered', answered], ['result at client', end]]);
        historyMarks((await handle.fetchHistory()).events ?? [], marks);
        dockerMarks(calls, t, end, marks);
        const mark = runnerMarks.pop();
        if (mark !== undefined) marks.set('runner called', mark.called).set('runner returned', mark.returned);
        return { took: end - t, marks };
      };
      return { label: target.label, figures: await pairs(coflowRun, () => dockerRunByHand(docker, calls)) };
    });
  });
}

/** The interleaved pairs (order alternating), each followed by docker run's calls by hand. */
async function pairs(coflowRun: () => Promise<{ took: number; marks: Marks }>, byHand: () => Promise<{ took: number; marks: Marks }>): Promise<Figures> {
  // Warm-up: the worker's first workflow task, the image's layers in the page cache.
  await coflowRun();
  dockerRun();
  const figures: Figures = { docker: [], coflow: [], ratios: [], byHand: [], coflowMarks: [], byHandMarks: [] };
  for (let i = 0; i < PAIRS; i++) {
    let base: number;
    let run: { took: number; marks: Marks };
    if (i % 2 === 0) {
      base = dockerRun();
      run = await coflowRun();
    } else {
      run = await coflowRun();
      base = dockerRun();
    }
    figures.docker.push(base);
    figures.coflow.push(run.took);
    figures.coflowMarks.push(run.marks);
    figures.ratios.push(run.took / base);
    const hand = await byHand();
    figures.byHand.push(hand.took);
    figures.byHandMarks.push(hand.marks);
  }
  return figures;
}

const show = (s: Spread): string => `${ms(s.min).padStart(9)} ${ms(s.median).padStart(9)} ${ms(s.max).padStart(9)}`;
const showRatio = (s: Spread): string => `${`${s.min.toFixed(2)}×`.padStart(9)} ${`${s.median.toFixed(2)}×`.padStart(9)} ${`${s.max.toFixed(2)}×`.padStart(9)}`;

function report(label: string, f: Figures): string[] {
  return [
    `on the ${label}, ${PAIRS} interleaved pairs`,
    `    ${''.padEnd(52)} ${'min'.padStart(9)} ${'median'.padStart(9)} ${'max'.padStart(9)}`,
    `    ${'docker run --rm (baseline)'.padEnd(52)} ${show(spread(f.docker))}`,
    `    ${'coflow one-job flow, API start to run finished'.padEnd(52)} ${show(spread(f.coflow))}`,
    `    ${'ratio, pair by pair'.padEnd(52)} ${showRatio(spread(f.ratios))}`,
    `    ${'the same Docker calls as docker run, from Node'.padEnd(52)} ${show(spread(f.byHand))}`,
    '',
    '  where the coflow job\'s time goes (median offset from the API request; step from the row before):',
    ...timeline(f.coflowMarks, 'client sent'),
    '',
    '  docker run --rm\'s calls, issued from this process:',
    ...timeline(f.byHandMarks, 'client sent'),
    '',
  ];
}

async function main(): Promise<void> {
  execFileSync('bash', [join(root, 'scripts/build-images.sh')], { stdio: 'inherit' });
  const out = [`coflow docker job benchmark — ${machine()}`, ''];
  for (const kind of kinds(process.env)) {
    const { label, figures } = await measure(kind);
    out.push(...report(label, figures));
  }
  out.push(`load average at the end: ${machine().split('load average ')[1] ?? ''}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
