/**
 * Temporal's own CLI reads coflow's encrypted payloads through the codec
 * endpoint (docs/codec.md): the real `temporal workflow show` against a run
 * of a platform with COFLOW_CODEC_KEYS and tokens, on the shared dev server.
 * Without the endpoint the CLI shows ciphertext; with a wrong token it fails.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { parseCodecKeys } from '../worker/codec.ts';
import { startPlatform, type Platform } from '../worker/platform.ts';
import { applyAndRun, repoRoot } from './support/harness.ts';

const run = promisify(execFile);
const TOKENS = { admin: 'admin-token-for-codec-cli-test', viewer: 'viewer-token-for-codec-cli-test' } as const;
const MARKER = `codec-cli-marker-${randomBytes(4).toString('hex')}`;

describe('temporal workflow show --codec-endpoint', () => {
  let platform: Platform;
  let dataDir: string;
  let workflowId: string;
  /** `temporal workflow show` of the run, plus `args`; never throws: exit code and both streams. */
  let show: (args: readonly string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coflow-codec-cli-'));
    platform = await startPlatform({
      dataDir,
      temporalAddress: inject('temporalAddress'),
      namespace: 'default',
      taskQueue: `coflow-codec-cli-${process.pid}-${Date.now()}`,
      apiHost: '127.0.0.1',
      apiPort: 0,
      dockerSocket: '/var/run/docker.sock',
      componentsDir: join(repoRoot, 'components'),
      bundle: { codePath: inject('workflowBundlePath') },
      codecKeys: parseCodecKeys(`test:${randomBytes(32).toString('base64')}`),
      tokens: Object.entries(TOKENS).map(([role, token]) => ({ user: `${role}-user`, roles: [role], token })),
    });
    const finished = await applyAndRun(new ApiClient(platform.apiUrl, TOKENS.admin), `
uri: test/codec/cli
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: j, endpoint: "coflow/shell:1.0.0", inputs: { marker: ${MARKER} }, script: "true" }
`);
    expect(finished.state).toBe('succeeded');
    workflowId = finished.runId;
    show = async (args) => {
      const base = ['workflow', 'show', '--address', inject('temporalAddress'), '--namespace', 'default', '-w', workflowId, '--output', 'text', '--detailed'];
      try {
        const { stdout, stderr } = await run(inject('temporalBin'), [...base, ...args], { timeout: 30_000, encoding: 'utf8' });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    };
  });
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the decoded input with the endpoint and a viewer token, ciphertext without it, fails with a wrong token', async () => {
    const endpoint = ['--codec-endpoint', `${platform.apiUrl}/api/v1/codec`];
    const decoded = await show([...endpoint, '--codec-auth', `Bearer ${TOKENS.viewer}`]);
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain(`input[0].flow.stages[0].actions[0].jobs[0].inputs.marker: ${MARKER}`);

    const raw = await show([]);
    expect(raw.code).toBe(0);
    expect(raw.stdout).not.toContain(MARKER);
    expect(raw.stdout).toContain(`input.payloads[0].metadata.encoding: ${Buffer.from('binary/encrypted').toString('base64')}`);

    // The CLI retries a refused decode until its deadline, then names only that.
    const wrong = await show([...endpoint, '--codec-auth', 'Bearer not-a-token', '--command-timeout', '3s']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).not.toContain(MARKER);
    expect(wrong.stderr).toContain('context deadline exceeded');
  });
});
