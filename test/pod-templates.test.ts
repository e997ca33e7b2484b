/**
 * `kubectl:` Pod templates on the docker runner, applied as a user does: the
 * CLI reads the template relative to the flow file and stores it with the
 * flow version, so a run after the file is gone still has it; the job runs
 * what Docker can honour of it and shows a warning naming the rest. The API
 * refuses a path it cannot read.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../cli/errors.ts';
import { allLogs, job, repoRoot, startHarness, waitForRun, type Harness } from './support/harness.ts';

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'coflow-pod-template-'));
});
afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI in its own process, started from `/` so that only the flow file's folder can resolve a relative path. */
function coflow(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), ...args], { cwd: '/', env: { ...process.env, COFLOW_API: h.platform.apiUrl } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const TEMPLATE = `apiVersion: v1
kind: Pod
metadata: { labels: { team: web } }
spec:
  nodeSelector: { disk: ssd }
  volumes: [ { name: cache, emptyDir: {} } ]
  containers:
    - name: build
      image: coflow/shell:1.0.0
      workingDir: /tmp
      command: [/bin/sh, -c, 'echo "building in $(pwd) as $MODE"; echo "[COUT] MODE = $MODE"']
      env: [ { name: MODE, value: template } ]
`;

const flow = (uri: string, kubectl: string): string => `uri: ${uri}
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: build
            kubectl: ${kubectl}
            outputs: [MODE]
`;

describe('a kubectl Pod template on the docker runner', () => {
  it('is read by coflow apply relative to the flow file, stored with the version, and runs after the file is gone, with a warning', async () => {
    mkdirSync(join(dir, 'ci', 'k8s'), { recursive: true });
    writeFileSync(join(dir, 'ci', 'k8s', 'build-pod.yaml'), TEMPLATE);
    writeFileSync(join(dir, 'ci', 'flow.yaml'), flow('test/pod-template/cli', 'k8s/build-pod.yaml'));
    const applied = await coflow('apply', join(dir, 'ci', 'flow.yaml'));
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe('test/pod-template/cli: version 1 created\n');
    rmSync(join(dir, 'ci', 'k8s'), { recursive: true });

    const stored = await h.api.getFlow('test/pod-template/cli');
    expect(stored.source).toContain(`kubectl: ${JSON.stringify(TEMPLATE)}`);
    const run = await waitForRun(h.api, (await h.api.startRun('test/pod-template/cli')).runId);
    expect(run.state).toBe('succeeded');
    const build = job(run, 's.a.build');
    // A kubectl-only job: the template's image, command, env and working directory.
    expect(build.outputs).toEqual({ MODE: 'template' });
    expect((await allLogs(h.api, run.runId, 's.a.build')).map((l) => l.text)).toEqual(['building in /tmp as template', '[COUT] MODE = template']);
    expect(build.warnings).toEqual([
      "the docker runner applied only the command, args, env, workingDir and imagePullPolicy of the kubectl Pod template's first container; ignored: metadata.labels, nodeSelector, volumes (the kubernetes runner applies the whole template)",
    ]);
    const status = await coflow('status', run.runId);
    expect(status.stdout).toContain('          warning: the docker runner applied only');
  });

  it('refuses a template file that is missing (CLI) or a path sent to the API, naming the job and the path', async () => {
    writeFileSync(join(dir, 'missing.yaml'), flow('test/pod-template/missing', 'k8s/nowhere.yaml'));
    const cli = await coflow('apply', join(dir, 'missing.yaml'));
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(
      `coflow: invalid flow\n${join(dir, 'missing.yaml')}:8:22: stages[0].actions[0].jobs[0].kubectl: job build: kubectl "k8s/nowhere.yaml": no such file ${join(dir, 'k8s', 'nowhere.yaml')}\n`,
    );
    const err = await h.api.applyFlow(flow('test/pod-template/api', 'k8s/build-pod.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as ApiCallError).status).toBe(422);
    expect((err as ApiCallError).message).toContain('job build: kubectl "k8s/build-pod.yaml": is a path, and the API cannot read files');
    await expect(h.api.getFlow('test/pod-template/api')).rejects.toThrow(/not found/);
  });
});
