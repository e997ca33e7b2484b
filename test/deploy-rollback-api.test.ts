/**
 * Rollback by hand through the real API and CLI (issue 13): what may be
 * restored (a deployment that succeeded and has a manifest), who may ask
 * (operators), and that a rollback starts as its own record in the pair's
 * queue, naming what it undoes and what it restores. The apply itself is the
 * engine's (kubernetes project); here the records are seeded in the store.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { ApiCallError } from '../cli/errors.ts';
import type { DeploymentRecord, NewDeployment } from '../contracts/deployments.ts';
import type { Store } from '../store/store.ts';
import { repoRoot, startHarness, type Harness } from './support/harness.ts';
import { at, environmentsSpec, newDeployment } from './support/store-suite-deployments.ts';

const OPERATOR = 'operator-token-for-rollback-tests';
const VIEWER = 'viewer-token-for-rollback-tests';
let h: Harness;
let store: Store;
let operator: ApiClient;
const ids: Record<string, number> = {};

async function seed(name: string, minute: number, result: 'succeeded' | 'failed', over: Partial<NewDeployment> = {}): Promise<DeploymentRecord> {
  const started = await store.startDeployment({ ...newDeployment(minute, over), manifest: `# ${name}\nkind: Deployment\n`, ...over });
  ids[name] = started.id;
  return store.finishDeployment(started.id, { result, finishedAt: at(minute + 1) });
}

beforeAll(async () => {
  h = await startHarness({ tokens: [{ user: 'olga', roles: ['operator'], token: OPERATOR }, { user: 'vic', roles: ['viewer'], token: VIEWER }] });
  store = h.platform.store;
  operator = new ApiClient(h.platform.apiUrl, OPERATOR);
  await store.applyEnvironments(environmentsSpec('team', ['production']), 'seeded');
  await seed('good', 10, 'succeeded');
  await seed('live', 20, 'succeeded');
  await seed('broken', 30, 'failed');
  await seed('marked', 40, 'succeeded', { application: 'scripted', kind: 'marked', manifest: undefined });
});
afterAll(async () => {
  await h?.stop();
});

async function refused(call: Promise<unknown>): Promise<ApiCallError> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiCallError);
  return err as ApiCallError;
}

const rollback = (id: number, client = operator) => client.request<{ deploymentId: number; restores: number }>('POST', `/api/v1/deployments/${id}/rollback`);

describe('rollback by hand', () => {
  it('refuses what cannot be restored, saying why, and viewers', async () => {
    const failed = await refused(rollback(ids['broken']!));
    expect([failed.status, failed.code, failed.message]).toEqual([409, 'not_restorable', `deployment ${ids['broken']} is failed, not succeeded: only a deployment that succeeded (and was not undone) can be restored`]);
    expect((await refused(rollback(ids['marked']!))).message).toContain('has no stored manifest (a job marked deployment: deploys by itself');
    expect((await refused(rollback(99_999))).status).toBe(404);
    expect((await refused(rollback(ids['good']!, new ApiClient(h.platform.apiUrl, VIEWER)))).status).toBe(403);
    const live = await refused(rollback(ids['live']!));
    expect([live.status, live.message]).toEqual([409, `deployment ${ids['live']} is already the live deployment of app in production`]);
  });

  it('`coflow rollback` restores the successful deployment before the live one, as its own record', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'rollback', 'team/app/ship', '--environment', 'production', '--json'], {
      env: { ...process.env, COFLOW_API: h.platform.apiUrl, COFLOW_TOKEN: OPERATOR },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const started = JSON.parse(stdout) as { deploymentId: number };
    expect(await store.getDeployment(started.deploymentId)).toMatchObject({
      kind: 'rollback', environment: 'production', application: 'app', user: 'olga', rollbackOf: ids['live'], restores: ids['good'], manifest: '# good\nkind: Deployment\n',
    });
  });
});
