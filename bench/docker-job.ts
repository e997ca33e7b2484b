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
 *   COFLOW_DOCKER_SOCKET   the daemon's socket (default /var/run/docker.sock)
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
const SOCKET = process.env.COFLOW_DOCKER_SOCKET ?? '/var/run/docker.sock';
const IMAGE = 'coflow/shell:1.0.0';
const URI = 'bench/docker-job/one';
const FLOW = `uri: ${URI}\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n          - { name: j, endpoint: ${IMAGE}, script: "true" }\n`;

const now = (): number => performance.timeOrigin + performance.now();

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
async function dockerRunByHand(docker: Dockerode, calls: DockerCall[], marks: Marks[]): Promise<number> {
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
  const m: Marks = new Map([['client sent', t], ['client done', end]]);
  dockerMarks(calls, t, end, m);
  marks.push(m);
  return end - t;
}

interface Figures { docker: number[]; coflow: number[]; ratios: number[]; byHand: number[]; coflowMarks: Marks[]; byHandMarks: Marks[] }

async function measure(kind: TargetKind): Promise<{ label: string; figures: Figures }> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-bench-docker-'));
  const target = await startTarget(dir, { ...process.env, COFLOW_BENCH_TEMPORAL: kind });
  const calls: DockerCall[] = [];
  const docker = tracedDocker(SOCKET, calls);
  // When the activity hands the job to the runner, and when the runner hands back its result.
  const runnerMarks: { called: number; returned: number }[] = [];
  const inner = new DockerRunner({ docker });
  const runner: JobRunner = {
    kind: inner.kind,
    workspaces: inner.workspaces,
    async run(spec, hooks) {
      const mark = { called: now(), returned: Number.NaN };
      runnerMarks.push(mark);
      try {
        return await inner.run(spec, hooks);
      } finally {
        mark.returned = now();
      }
    },
  };
  try {
    const store = await target.store('docker-job');
    const platform = await startPlatform({
      dataDir: join(dir, 'platform'), temporalAddress: target.address, namespace: 'default', taskQueue: 'bench-docker-job',
      apiHost: '127.0.0.1', apiPort: 0, dockerSocket: SOCKET, componentsDir: join(root, 'components'),
      bundle: await bundleWorkflows(), runner, ...(store ? { store } : {}),
    });
    try {
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
        figures.byHand.push(await dockerRunByHand(docker, calls, figures.byHandMarks));
        calls.length = 0;
      }
      return { label: target.label, figures };
    } finally {
      await platform.stop();
    }
  } finally {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
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
