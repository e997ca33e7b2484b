/**
 * `coflow dev` heals itself, as a user sees it: SIGKILLed mid-job and started
 * again, it stops the Temporal server it left behind and the run finishes;
 * its Temporal server SIGKILLed mid-job comes back by itself (meanwhile the
 * API answers 503 `temporal_unavailable` and the CLI exits 3 with one line)
 * and the run finishes; a graceful stop mid-job logs no stack trace. One
 * data directory throughout; each run's job container is created once.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { commandLine, readServerRecord } from '../cli/server-record.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { countingFlow } from './support/counting-flow.ts';
import { coflowCli, startDev, type DevProcess } from './support/dev-process.ts';
import { dockerCensus } from './support/docker-census.ts';
import { freePort } from './support/ports.ts';

const FLOW = 'test/devheal/count';
const LINES = 16;
/**
 * The job of the Temporal-outage test outlives the outage (about 8–12 s here):
 * a job whose container exits while Temporal is down for longer than the job
 * heartbeat timeout (10 s) may be started a second time (docs/run-control.md).
 */
const LONG_FLOW = 'test/devheal/long';
const LONG_LINES = 40;
const dir = mkdtempSync(join(tmpdir(), 'coflow-devheal-'));
const dataDir = join(dir, 'data');
const recordFile = join(dataDir, 'temporal.pid');
/** While this file exists, the Temporal CLI wrapper refuses to start: Temporal stays down. */
const hold = join(dir, 'hold');
const STACK_LINE = /^\s+at .+\(?.+:\d+:\d+\)?$/m;
let env: NodeJS.ProcessEnv;
let api: ApiClient;
let dev: DevProcess | undefined;

beforeAll(async () => {
  const wrapper = join(dir, 'temporal');
  writeFileSync(wrapper, `#!/bin/sh\nif [ -e '${hold}' ]; then echo 'held by the test' >&2; exit 1; fi\nexec '${inject('temporalBin')}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  env = {
    ...process.env,
    COFLOW_DATA_DIR: dataDir,
    COFLOW_TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    COFLOW_TEMPORAL_UI_PORT: String(uiPort),
    COFLOW_API_PORT: String(apiPort),
    COFLOW_API: `http://127.0.0.1:${apiPort}`,
    COFLOW_TEMPORAL_BIN: wrapper,
    COFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    COFLOW_TASK_QUEUE: `coflow-devheal-${Date.now()}`,
  };
  api = new ApiClient(env.COFLOW_API!);
  dev = await startDev(env);
  const flowFile = join(dir, 'count.yaml');
  writeFileSync(flowFile, countingFlow(FLOW, LINES, 0.25));
  expect((await coflowCli(env, 'apply', flowFile)).code).toBe(0);
  const longFile = join(dir, 'long.yaml');
  writeFileSync(longFile, countingFlow(LONG_FLOW, LONG_LINES, 0.5));
  expect((await coflowCli(env, 'apply', longFile)).code).toBe(0);
});

afterAll(async () => {
  rmSync(hold, { force: true });
  if (dev && dev.child.exitCode === null) {
    dev.child.kill('SIGINT');
    await dev.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a run and resolves once its job printed `lines` lines (it is running). */
async function runningRun(flow = FLOW, lines = 2): Promise<{ runId: string; census: ReturnType<typeof dockerCensus> }> {
  const { runId } = await api.startRun(flow);
  const census = dockerCensus(runId);
  const deadline = Date.now() + 60_000;
  while ((await api.logs(runId, {})).lines.length < lines) {
    if (Date.now() > deadline) throw new Error(`${runId} printed fewer than ${lines} lines in 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { runId, census };
}

/** The run's end, asked of the API until it answers and the run has ended. */
async function ended(runId: string): Promise<RunStatus> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await api.runStatus(runId).catch(() => undefined);
    if (status && ['succeeded', 'failed', 'cancelled'].includes(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`${runId} did not end in 120 s (last: ${status?.state ?? 'no answer'})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The run succeeded with one container and every line once, in order. */
async function expectFinished(runId: string, census: ReturnType<typeof dockerCensus>, lines = LINES): Promise<void> {
  expect((await ended(runId)).state).toBe('succeeded');
  expect(await census.created()).toHaveLength(1);
  expect((await api.logs(runId, {})).lines.map((l) => l.text)).toEqual(Array.from({ length: lines }, (_, i) => `line ${i + 1}`));
}

describe('coflow dev heals itself', () => {
  it('SIGKILLed mid-job and started again: stops the Temporal server it left behind, and the run finishes', async () => {
    const { runId, census } = await runningRun();
    const left = readServerRecord(recordFile)!;
    dev!.child.kill('SIGKILL');
    await dev!.exited;
    expect(commandLine(left.pid)).toContain(join(dataDir, 'temporal.db'));

    dev = await startDev(env);
    expect(dev.out()).toContain(`coflow: stopped the Temporal server (pid ${left.pid}) that an earlier coflow dev left running on ${dataDir}`);
    expect(commandLine(left.pid)).toBeUndefined();
    expect(readServerRecord(recordFile)!.pid).not.toBe(left.pid);
    await expectFinished(runId, census);
  });

  it('its Temporal server SIGKILLed mid-job: 503 and exit 3 while it is down, then it comes back by itself and the run finishes', async () => {
    const { runId, census } = await runningRun(LONG_FLOW);
    const killed = readServerRecord(recordFile)!.pid;
    writeFileSync(hold, '');
    process.kill(killed, 'SIGKILL');
    await dev!.waitFor('coflow: the Temporal server did not start again');

    const [http, cli] = await Promise.all([fetch(`${env.COFLOW_API!}/api/v1/runs`), coflowCli(env, 'runs')]);
    expect(http.status).toBe(503);
    expect(((await http.json()) as { error: { code: string } }).error.code).toBe('temporal_unavailable');
    expect(cli.code).toBe(3);
    expect(cli.stderr).toMatch(/^coflow: Temporal is not reachable \(.+\); try again once it is back\n$/);

    rmSync(hold);
    await dev!.waitFor('coflow: the Temporal server is back on');
    expect(dev!.out()).toContain(`coflow: the Temporal server exited (killed by SIGKILL); restarting it on the same database in 0.5 s`);
    expect(readServerRecord(recordFile)!.pid).not.toBe(killed);
    await expectFinished(runId, census, LONG_LINES);
    expect(dev!.err()).not.toMatch(STACK_LINE);
  });

  it('a graceful stop mid-job logs no stack trace and leaves no server behind; started again, the run finishes', async () => {
    const { runId, census } = await runningRun();
    const server = readServerRecord(recordFile)!.pid;
    dev!.child.kill('SIGTERM');
    expect(await dev!.exited).toBe(0);
    expect(dev!.out()).toContain('coflow: stopped\n');
    expect(dev!.err()).not.toMatch(STACK_LINE);
    expect(commandLine(server)).toBeUndefined();
    expect(existsSync(recordFile)).toBe(false);

    dev = await startDev(env);
    await expectFinished(runId, census);
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
  });
});
