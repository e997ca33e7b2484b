/**
 * Faults in the production topology, with real parts: PostgreSQL, the real
 * Temporal server on it, `coflow api` and `coflow worker` processes, Docker.
 * Each scenario ends with the run's final state, the containers Docker
 * created for it, and its log compared line by line.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiClient } from '../../cli/api-client.ts';
import type { RunStatus } from '../../contracts/run-status.ts';
import { countingFlow } from '../support/counting-flow.ts';
import { githubPush, deliver } from '../support/deliveries.ts';
import { dockerCensus } from '../support/docker-census.ts';
import { repoRoot } from '../support/paths.ts';
import { ownServer } from './support/postgres.ts';
import { startTopology, type Topology } from './topology.ts';

/** coflow's store on a PostgreSQL server of this file's own (the tier's port + 2): restarting it disturbs no other file. */
const pg = ownServer(Number(process.env.COFLOW_PG_PORT ?? 55432) + 2);
let topology: Topology;
beforeAll(async () => {
  topology = await startTopology('faults', pg.start());
}, 180_000);
afterAll(async () => {
  await topology?.close();
  pg.stop();
});

/** Polls through the API until the run ended; an API answering errors for a moment (a database outage) is waited out. */
async function finished(api: ApiClient, runId: string, timeoutMs = 180_000): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const status = await api.runStatus(runId);
      if (['succeeded', 'failed', 'cancelled'].includes(status.state)) return status;
      last = status.state;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The run's stored lines, every page. */
async function texts(api: ApiClient, runId: string): Promise<string[]> {
  const out: string[] = [];
  let after = 0;
  for (;;) {
    const page = await api.logs(runId, { after });
    if (page.lines.length === 0) return out;
    out.push(...page.lines.map((l) => l.text));
    after = page.next;
  }
}

async function linesStored(api: ApiClient, runId: string, n: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  while ((await texts(api, runId).catch(() => [])).length < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} lines of ${runId} stored after 90 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const counted = (n: number): string[] => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

/** Applies the counting flow under `uri` and starts it; returns the run id and its container census. */
async function countingRunOf(api: ApiClient, uri: string, lines: number, interval: number) {
  await api.applyFlow(countingFlow(uri, lines, interval));
  const { runId } = await api.startRun(uri);
  return { runId, census: dockerCensus(runId) };
}

describe('two API servers and two workers', () => {
  it('start exactly one run for 50 concurrent redeliveries of one GitHub delivery split across both API servers', async () => {
    const secret = 'prod-github-hook-secret';
    const env = { COFLOW_SECRET_GITHUB_HOOK: secret };
    const [a, b] = await Promise.all([topology.api(undefined, env), topology.api(undefined, env)]);
    const workers = await Promise.all([topology.worker(), topology.worker()]);
    const uri = 'prod/faults/redelivered';
    await a.client.applyFlow(`
uri: ${uri}
triggers:
  - github: { events: [push], branches: [main], secret: github-hook }
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "echo built \${{ trigger.commit }}" } ] } ] }
`);
    const delivery = githubPush({ secret, uri });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => deliver(i % 2 === 0 ? a.url : b.url, delivery)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const runIds = new Set(answers.map((r) => r.body.runId as string));
    expect([...runIds]).toEqual([`${uri}#1`]);
    const census = dockerCensus(`${uri}#1`);
    const run = await finished(b.client, `${uri}#1`);
    expect(run.state).toBe('succeeded');
    expect(await texts(a.client, run.runId)).toEqual(['built 9fceb02d0ae598e95dc970b74767f19372d61af8']);
    expect(await census.created()).toHaveLength(1);
    // Nothing else started, and no run number was burnt: the next run is #2.
    expect((await b.client.listRuns({ flow: uri })).runs.map((r) => r.runId)).toEqual([`${uri}#1`]);
    expect((await b.client.startRun(uri)).runId).toBe(`${uri}#2`);
    await finished(b.client, `${uri}#2`);
    await Promise.all([a, b, ...workers].map((p) => p.stop()));
  });
});

describe('a worker killed with SIGKILL mid-job', () => {
  it('lets the other worker re-attach: one container, 60 lines once each', async () => {
    const api = await topology.api();
    const first = await topology.worker();
    const { runId, census } = await countingRunOf(api.client, 'prod/faults/worker-killed', 60, 0.25);
    await linesStored(api.client, runId, 5);
    const second = await topology.worker();
    await first.stop('SIGKILL');
    expect(await census.existing()).toHaveLength(1);
    const run = await finished(api.client, runId);
    expect(run.state).toBe('succeeded');
    expect(run.stages[0]!.actions[0]!.jobs[0]!.attempts).toHaveLength(1);
    expect(await census.created()).toHaveLength(1);
    expect(await census.existing()).toEqual([]);
    expect(await texts(api.client, runId)).toEqual(counted(60));
    await Promise.all([api.stop(), second.stop()]);
  });
});

describe('coflow logs -f through an API server that restarts mid-follow', () => {
  it('prints every line once, in order, while another process writes them', async () => {
    const api = await topology.api();
    const worker = await topology.worker();
    const { runId } = await countingRunOf(api.client, 'prod/faults/follow', 40, 0.25);
    const follower = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'logs', runId, '-f', '--api', api.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let printed = '';
    follower.stdout.on('data', (d: Buffer) => (printed += d.toString()));
    const done = new Promise<number | null>((resolve) => follower.once('exit', resolve));
    while (printed.split('\n').length < 10) await new Promise((r) => setTimeout(r, 100));
    await api.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1_500));
    const again = await topology.api(api.port);
    expect(await done).toBe(0);
    expect(printed.trimEnd().split('\n').map((l) => l.replace(/^\[\S+\] /, ''))).toEqual(counted(40));
    expect((await finished(again.client, runId)).state).toBe('succeeded');
    await Promise.all([again.stop(), worker.stop()]);
  });
});

describe('PostgreSQL restarted mid-job', () => {
  it('delays the job without failing it and loses no log line', async () => {
    const api = await topology.api();
    const worker = await topology.worker();
    const { runId, census } = await countingRunOf(api.client, 'prod/faults/postgres-restart', 40, 0.25);
    await linesStored(api.client, runId, 5);
    pg.stop();
    await new Promise((r) => setTimeout(r, 5_000));
    pg.start();
    const run = await finished(api.client, runId);
    expect(run.state).toBe('succeeded');
    expect(run.stages[0]!.actions[0]!.jobs[0]!.attempts).toHaveLength(1);
    expect(await census.created()).toHaveLength(1);
    expect(await texts(api.client, runId)).toEqual(counted(40));
    await Promise.all([api.stop(), worker.stop()]);
  });
});

describe('the Temporal server killed and restarted mid-run', () => {
  it('lets the run finish: one container, every line', async () => {
    const api = await topology.api();
    const worker = await topology.worker();
    const { runId, census } = await countingRunOf(api.client, 'prod/faults/temporal-restart', 40, 0.25);
    await linesStored(api.client, runId, 5);
    const port = inject('prodTemporalAddress').split(':')[1]!;
    const temporal = (cmd: string): void => void execFileSync('bash', [join(repoRoot, 'scripts/temporal-server.sh'), cmd, port], { stdio: 'ignore', env: { ...process.env, ...inject('prodTemporalEnv') } });
    temporal('kill');
    await new Promise((r) => setTimeout(r, 2_000));
    temporal('start');
    const run = await finished(api.client, runId);
    expect(run.state).toBe('succeeded');
    expect(await census.created()).toHaveLength(1);
    expect(await texts(api.client, runId)).toEqual(counted(40));
    await Promise.all([api.stop(), worker.stop()]);
  });
});
