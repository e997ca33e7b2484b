/**
 * Environments files and deploy targets through the real API, the CLI in its
 * own process and real Temporal (applying a flow syncs its schedules): an
 * admin applies a namespace's environments, a flow deploying to an unknown
 * environment is refused at its line:column, the fixed flow is stored.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startHarness, type Harness } from './support/harness.ts';

const ADMIN = 'admin-token-for-environments-tests';
let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await startHarness({ tokens: [{ user: 'root', roles: ['admin'], token: ADMIN }] });
  dir = mkdtempSync(join(tmpdir(), 'coflow-environments-'));
});
afterAll(async () => {
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function coflow(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), ...args], {
    env: { ...process.env, COFLOW_API: h.platform.apiUrl, COFLOW_TOKEN: ADMIN },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end();
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const ENVIRONMENTS = `namespace: envtest
environments:
  - { name: dev, tier: development, kubernetes: { namespace: shop-dev } }
  - name: prod
    tier: production
    kubernetes: { namespace: shop-prod }
`;
const flowTo = (env: string): string => `uri: envtest/shop/deploy
stages:
  - name: ship
    actions:
      - name: a
        jobs:
          - { name: kubectl, endpoint: alpine, script: "true", deployment: { environment: ${env} } }
`;

describe('environments through the CLI', () => {
  it('are applied and read back, and an applied flow\'s deploy targets are checked against them', async () => {
    const envs = file('environments.yaml', ENVIRONMENTS);
    const applied = await coflow('environments', 'apply', envs);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('environments of envtest: version 1 created');
    expect(applied.stdout).toContain(`${envs}:4:11: warning: environments[1].name: production environment "prod" has no protection`);
    expect((await coflow('environments', 'apply', envs)).stdout).toContain('version 1 unchanged');
    expect((await coflow('environments', 'list')).stdout).toMatch(/envtest\tv1\t.*\n {2}dev\tdevelopment\tnamespace shop-dev \(runner cluster\)\tunprotected/);
    expect((await coflow('environments', 'show', 'envtest')).stdout).toBe(ENVIRONMENTS);

    const wrong = file('wrong.yaml', flowTo('qa'));
    expect(await coflow('apply', wrong)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`${wrong}:7:91: stages[0].actions[0].jobs[0].deployment.environment: unknown environment "qa" (namespace "envtest" declares dev or prod)`) as string,
    });
    expect((await coflow('validate', wrong)).stdout).toContain(`${wrong}:7:91: stages[0].actions[0].jobs[0].deployment.environment: unknown environment "qa"`);
    const fixed = await coflow('apply', file('fixed.yaml', flowTo('dev')));
    expect(fixed).toMatchObject({ code: 0, stdout: 'envtest/shop/deploy: version 1 created\n' });
  });
});
