/**
 * End to end, as a user: `coflow dev` starts Temporal, a worker and the API;
 * the CLI validates, applies, runs (following the tree) and reads logs;
 * Ctrl-C stops every process; started again, the earlier runs are all there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from './support/harness.ts';
import { freePort } from './support/ports.ts';
import { helloFlow } from './support/hello-flow.ts';

const dir = mkdtempSync(join(tmpdir(), 'coflow-dev-'));
let dev: ChildProcess | undefined;
let env: NodeJS.ProcessEnv;

function coflow(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'cli/coflow.ts'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Starts `coflow dev` and resolves once it prints that it is running. */
function startDev(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'dev'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coflow dev did not start in 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) { clearTimeout(timer); resolve(child); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`coflow dev exited (${String(code)}) during start-up:\n${output}`)); });
  });
}

function stopDev(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

afterAll(async () => {
  if (dev && dev.exitCode === null) await stopDev(dev);
  rmSync(dir, { recursive: true, force: true });
});

const FLOW = helloFlow('test/dev/hello', 'Hello');

describe('coflow dev and the CLI', () => {
  it('runs a flow, survives a restart, and stops every process on Ctrl-C', async () => {
    const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    env = {
      ...process.env,
      COFLOW_DATA_DIR: join(dir, 'data'),
      COFLOW_TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      COFLOW_TEMPORAL_UI_PORT: String(uiPort),
      COFLOW_API_PORT: String(apiPort),
      COFLOW_API: `http://127.0.0.1:${apiPort}`,
      COFLOW_TEMPORAL_BIN: inject('temporalBin'),
      COFLOW_TASK_QUEUE: `coflow-dev-test-${Date.now()}`,
    };
    const flowFile = join(dir, 'hello.yaml');
    writeFileSync(flowFile, FLOW);
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, FLOW.replace('outputs: [GREETING]', 'outputs: [GREETING]\n            retries: often'));

    // validate works without a server: every error with file:line:col, exit 2.
    const invalid = coflow('validate', flowFile, badFile);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toContain(`${flowFile}: valid`);
    expect(invalid.stdout).toMatch(new RegExp(`${badFile}:13:22: stages\\[1\\]\\.actions\\[0\\]\\.jobs\\[0\\]\\.retries`));

    dev = await startDev();
    expect(await portOpen(temporalPort)).toBe(true);

    expect(coflow('apply', flowFile)).toMatchObject({ code: 0, stdout: 'test/dev/hello: version 1 created\n' });
    const run = coflow('run', 'test/dev/hello', '--follow');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('started test/dev/hello#1');
    expect(run.stdout).toMatch(/✔ hello succeeded \d+\.\ds/);
    expect(run.stdout).toMatch(/run test\/dev\/hello#1 \(flow version 1\) {2}✔ succeeded/);

    const logs = coflow('logs', 'test/dev/hello#1');
    expect(logs).toMatchObject({ code: 0, stdout: '[greet.say.hello#1] hello from greet.say.hello\n[greet.say.hello#1] [COUT] GREETING = hi\n' });

    // A failing run exits 1.
    writeFileSync(flowFile, FLOW.replace('echo "[COUT] GREETING = hi"', 'exit 4'));
    expect(coflow('apply', flowFile)).toMatchObject({ code: 0, stdout: 'test/dev/hello: version 2 created\n' });
    const failed = coflow('run', 'test/dev/hello', '--follow', '--json');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ runId: 'test/dev/hello#2', state: 'failed', flowVersion: 2 });

    // Ctrl-C stops the API, the worker and the Temporal server.
    expect(await stopDev(dev)).toBe(0);
    expect(await portOpen(temporalPort)).toBe(false);
    expect(await portOpen(apiPort)).toBe(false);
    expect(coflow('runs').code).toBe(3);

    // Started again on the same data directory: every earlier run and log is there.
    dev = await startDev();
    const runs = coflow('runs', '--json');
    expect(runs.code).toBe(0);
    const listed = (JSON.parse(runs.stdout) as { runId: string; status: string }[]).map((r) => r.runId).sort();
    expect(listed).toEqual(['test/dev/hello#1', 'test/dev/hello#2']);
    const status = coflow('status', 'test/dev/hello#1', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'succeeded', stages: expect.any(Array) as unknown });
    expect(coflow('logs', 'test/dev/hello#1', 'greet.say.hello').stdout).toBe('hello from greet.say.hello\n[COUT] GREETING = hi\n');
    expect(coflow('run', 'test/dev/hello').stdout).toBe('started test/dev/hello#3\n');
    expect(await stopDev(dev)).toBe(0);
  });
});
