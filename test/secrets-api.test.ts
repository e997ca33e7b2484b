/**
 * Stored secrets, as an admin manages them: set through the CLI (value from
 * standard input), used by a job, masked in its log, listed by name only,
 * refused to an operator, and gone once deleted.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { ApiCallError } from '../cli/errors.ts';
import { allLogs, job, repoRoot, startHarness, waitForRun, type Harness } from './support/harness.ts';

const ADMIN = 'admin-token-for-secret-tests';
const OPERATOR = 'operator-token-for-secret-tests';
let h: Harness;
let admin: ApiClient;

beforeAll(async () => {
  h = await startHarness({
    tokens: [
      { user: 'root', roles: ['admin'], token: ADMIN },
      { user: 'olga', roles: ['operator'], token: OPERATOR },
    ],
  });
  admin = new ApiClient(h.platform.apiUrl, ADMIN);
});
afterAll(async () => {
  await h?.stop();
});

/** The CLI in its own process (asynchronously: the API answers from this one). */
function coflow(token: string, input: string | undefined, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), ...args], {
    env: { ...process.env, COFLOW_API: h.platform.apiUrl, COFLOW_TOKEN: token },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('stored secrets', () => {
  it('are set by an admin, reach the job, are masked in its log, and never come back out', async () => {
    const value = 'hunter2-very-secret';
    expect(await coflow(ADMIN, `${value}\n`, 'secret', 'set', 'DEPLOY_KEY')).toMatchObject({ code: 0, stdout: 'stored secret DEPLOY_KEY\n' });
    expect((await coflow(OPERATOR, 'nope', 'secret', 'set', 'DEPLOY_KEY')).code).toBe(2);
    expect((await coflow(ADMIN, undefined, 'secret', 'set', 'bad-name', '--value', 'x')).code).toBe(2);

    const listed = await coflow(ADMIN, undefined, 'secret', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([{ name: 'DEPLOY_KEY' }]);
    expect(listed.stdout).not.toContain(value);

    await admin.applyFlow(`
uri: test/secrets-api/use
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: deploy
            endpoint: coflow/shell:1.0.0
            environments: { KEY: "\${{ secrets.DEPLOY_KEY }}" }
            script: 'echo "key is $KEY"; echo "[COUT] KEY_LENGTH = \${#KEY}"'
`);
    const run = await waitForRun(admin, (await admin.startRun('test/secrets-api/use')).runId);
    expect(run.state).toBe('succeeded');
    expect(job(run, 's.a.deploy').outputs).toEqual({ KEY_LENGTH: String(value.length) });
    const lines = (await allLogs(admin, run.runId)).map((l) => l.text);
    expect(lines).toContain('key is ***');
    expect(lines.join('\n')).not.toContain(value);

    expect(await coflow(ADMIN, undefined, 'secret', 'delete', 'DEPLOY_KEY')).toMatchObject({ code: 0, stdout: 'deleted secret DEPLOY_KEY\n' });
    const gone = await admin.request('DELETE', '/api/v1/secrets/DEPLOY_KEY').catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ApiCallError);
    expect((gone as ApiCallError).status).toBe(404);
    const again = await waitForRun(admin, (await admin.startRun('test/secrets-api/use')).runId);
    expect(again.state).toBe('failed');
    expect(job(again, 's.a.deploy').error).toMatch(/DEPLOY_KEY/);
  });
});
