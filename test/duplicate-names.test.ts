/**
 * ContainerOps compatibility, end to end: a flow that repeats an action name
 * and a job name is accepted with warnings by `coflow validate` and
 * `coflow apply`, and every repeat runs as its own job, with its own path,
 * container and logs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLogs, job, repoRoot, startHarness, waitForRun, type Harness } from './support/harness.ts';

const FLOW = `uri: test/compat/duplicate-names
stages:
  - name: check
    actions:
      - name: lint
        jobs:
          - { name: run, endpoint: "coflow/shell:1.0.0", script: 'echo "first $CO_JOB"; echo "[COUT] WHO = first"', outputs: [WHO] }
      - name: lint
        jobs:
          - { name: run, endpoint: "coflow/shell:1.0.0", script: 'echo "second $CO_JOB"' }
          - { name: run, endpoint: "coflow/shell:1.0.0", script: 'echo "third $CO_JOB got $WHO"', subscriptions: [ { "check.lint-1.run[WHO]": WHO } ] }
`;

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'coflow-compat-'));
const file = join(dir, 'twice.yaml');

beforeAll(async () => {
  h = await startHarness();
  writeFileSync(file, FLOW);
});
afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process, which serves the API the CLI talks to. */
function coflow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, COFLOW_API: h.platform.apiUrl };
    execFile(process.execPath, [join(repoRoot, 'cli/coflow.ts'), ...args], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

describe('duplicate action and job names', () => {
  it('are accepted with warnings by validate and apply, and each repeat runs with its own path and logs', async () => {
    const warning = `${file}:8:15: warning: stages[0].actions[1].name: action name "lint" is used 2 times in stage "check" (ContainerOps allowed it); this action is named "lint-2"`;
    const validated = await coflow('validate', file);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain(`${file}: valid\n`);
    expect(validated.stdout).toContain(warning);
    const applied = await coflow('apply', file);
    expect(applied.code).toBe(0);
    expect(applied.stdout.split('\n')[0]).toBe('test/compat/duplicate-names: version 1 created');
    expect(applied.stdout).toContain(warning);

    const run = await waitForRun(h.api, (await h.api.startRun('test/compat/duplicate-names')).runId);
    expect(run.state).toBe('succeeded');
    const paths = ['check.lint-1.run', 'check.lint-2.run-1', 'check.lint-2.run-2'];
    expect(paths.map((p) => job(run, p).state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const texts = await Promise.all(paths.map(async (p) => (await allLogs(h.api, run.runId, p)).map((l) => l.text)));
    expect(texts).toEqual([['first check.lint-1.run', '[COUT] WHO = first'], ['second check.lint-2.run-1'], ['third check.lint-2.run-2 got first']]);
  });
});
