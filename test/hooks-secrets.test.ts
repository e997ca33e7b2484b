/**
 * Lua hooks, `if:` and secrets end to end: a real worker, Temporal dev
 * server and dockerd. The secret must reach the container, be stored masked,
 * and be absent from the raw Temporal history (payloads are encrypted too).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { parseCodecKeys } from '../worker/codec.ts';
import { startPlatform, type Platform } from '../worker/platform.ts';
import { allLogs, applyAndRun, job, repoRoot } from './support/harness.ts';

const SECRET = 'sup3r-s3cret-value-42';

describe('hooks, conditions and secrets', () => {
  let platform: Platform;
  let api: ApiClient;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coflow-data-'));
    platform = await startPlatform({
      dataDir,
      temporalAddress: inject('temporalAddress'),
      namespace: 'default',
      taskQueue: `coflow-hooks-${process.pid}-${Date.now()}`,
      apiHost: '127.0.0.1',
      apiPort: 0,
      dockerSocket: '/var/run/docker.sock',
      componentsDir: join(repoRoot, 'components'),
      bundle: { codePath: inject('workflowBundlePath') },
      heartbeatEveryMs: 1_000,
      resolveSecret: (name) => Promise.resolve(name === 'API_TOKEN' ? SECRET : undefined),
      codecKeys: parseCodecKeys(`test:${randomBytes(32).toString('base64')}`),
    });
    api = new ApiClient(platform.apiUrl);
  });
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('pre rewrites an input, post fails the job, if: skips', async () => {
    const run = await applyAndRun(
      api,
      `
uri: test/hooks/prepost
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: greet
            endpoint: coflow/shell:1.0.0
            inputs: { who: world }
            pre: inputs.who = string.upper(inputs.who) .. "-" .. job.name
            script: 'echo "$CO_DATA"; echo "[COUT] COVERAGE = 42"'
            outputs: [COVERAGE]
            allowFailure: true
            post: |
              log("coverage is", outputs.COVERAGE)
              if tonumber(outputs.COVERAGE) < 80 then error("coverage below 80") end
          - name: never
            if: "jobs.greet.result == 'succeeded'"
            endpoint: coflow/shell:1.0.0
            script: "true"
`,
    );
    const greet = job(run, 's.a.greet');
    expect(greet.state).toBe('failed');
    expect(greet.error).toMatch(/post hook: hook:2: coverage below 80/);
    expect(job(run, 's.a.never').state).toBe('skipped');
    const lines = (await allLogs(api, run.runId, 's.a.greet')).map((l) => l.text);
    expect(lines).toContain('who=WORLD-greet');
    expect(lines).toContain('[post] coverage is 42');
  });

  it('delivers a secret to the container, stores it masked, keeps it out of the Temporal history', async () => {
    const run = await applyAndRun(
      api,
      `
uri: test/hooks/secret
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: leak
            endpoint: coflow/shell:1.0.0
            environments: [ { TOKEN: "\${{ secrets.API_TOKEN }}" } ]
            script: 'echo "token is $TOKEN"; echo "[COUT] T = $TOKEN"'
`,
    );
    expect(run.state).toBe('succeeded');
    expect(job(run, 's.a.leak').outputs).toEqual({ T: '***' });
    const lines = (await allLogs(api, run.runId)).map((l) => l.text);
    expect(lines).toContain('token is ***');
    expect(lines.join('\n')).not.toContain(SECRET);
    const history = execFileSync(inject('temporalBin'), ['workflow', 'show', '--workflow-id', run.runId, '--output', 'json', '--address', inject('temporalAddress')], {
      encoding: 'utf8',
    });
    expect(history).not.toContain(SECRET);
    expect(history).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(history).toContain('YmluYXJ5L2VuY3J5cHRlZA'); // "binary/encrypted": payloads are encrypted
  });
});
