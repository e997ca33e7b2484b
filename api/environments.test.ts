/**
 * Environments files through the HTTP layer (`app.request()`), on a real
 * SQLite store: applied by an admin, read by a viewer, and the deploy targets
 * of applied flows checked against them. The Temporal client points at a
 * port where nothing listens: nothing here may reach Temporal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../components/catalog.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createApi } from './app.ts';
import type { ApiApp } from './context.ts';

const ADMIN = 'admin-token-0123456789abcd';
const VIEWER = 'viewer-token-0123456789abcd';
const ENVIRONMENTS = `namespace: unit
environments:
  - { name: dev, tier: development, kubernetes: { namespace: shop-dev } }
  - name: prod
    tier: production
    kubernetes: { namespace: shop-prod }
`;
const flowTo = (env: string): string => `uri: unit/shop/deploy
stages:
  - name: ship
    actions:
      - name: a
        jobs:
          - type: deploy
            deploy:
              environment: ${env}
              manifest: { file: k8s }
            workspace: true
`;

let dir: string;
let store: Store;
let app: ApiApp;
let connection: Connection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coflow-api-environments-'));
  store = await openStore({ kind: 'sqlite', file: join(dir, 'coflow.db') });
  connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
  app = createApi({
    store,
    temporal: new Client({ connection }),
    taskQueue: 'unit',
    catalog: loadCatalog(join(import.meta.dirname, '../components')),
    tokens: [{ user: 'root', roles: ['admin'], token: ADMIN }, { user: 'vera', roles: ['viewer'], token: VIEWER }],
  });
});

afterAll(async () => {
  await connection.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, token: string, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await app.request(path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/yaml' }) }, ...(body === undefined ? {} : { body }) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('environments API', () => {
  it('refuses a file for another namespace, a viewer applying, and a bad file, each before storing anything', async () => {
    const wrong = await call('PUT', '/api/v1/environments/shop', ADMIN, ENVIRONMENTS);
    expect(wrong.status).toBe(422);
    expect(wrong.json).toMatchObject({
      error: { code: 'invalid_environments', details: { issues: [{ path: 'namespace', line: 1, column: 12, message: 'the file declares namespace "unit" but is applied to "shop"; they must be the same' }] } },
    });
    expect((await call('PUT', '/api/v1/environments/unit', VIEWER, ENVIRONMENTS)).status).toBe(403);
    const bad = await call('POST', '/api/v1/environments/validate', VIEWER, ENVIRONMENTS.replace('tier: production', 'tier: prod'));
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json)).toContain('must be one of development, testing, staging, production, got \\"prod\\"');
    const ok = await call('POST', '/api/v1/environments/validate', VIEWER, ENVIRONMENTS);
    expect(ok).toMatchObject({ status: 200, json: { valid: true, namespace: 'unit', warnings: [{ line: 4, message: expect.stringContaining('production environment "prod" has no protection') as string }] } });
  });

  it('stores the file, lists it, and checks applied flows against it', async () => {
    expect((await call('POST', '/api/v1/flows', ADMIN, flowTo('dev'))).json).toMatchObject({
      error: { code: 'invalid_flow', details: { issues: [{ line: 9, column: 28, message: expect.stringContaining('namespace "unit" has no environments file') as string }] } },
    });
    expect((await call('PUT', '/api/v1/environments/unit', ADMIN, ENVIRONMENTS)).json).toMatchObject({ namespace: 'unit', version: 1, created: true });
    expect((await call('PUT', '/api/v1/environments/unit', ADMIN, ENVIRONMENTS)).json).toMatchObject({ version: 1, created: false });
    expect((await call('GET', '/api/v1/environments', VIEWER)).json).toMatchObject({ environments: [{ namespace: 'unit', version: 1 }] });
    expect((await call('GET', '/api/v1/environments/unit', VIEWER)).json).toMatchObject({ namespace: 'unit', source: ENVIRONMENTS, spec: { environments: [{ name: 'dev' }, { name: 'prod' }] } });
    expect((await call('GET', '/api/v1/environments/nope', VIEWER)).status).toBe(404);

    const unknown = await call('POST', '/api/v1/flows', ADMIN, flowTo('staging'));
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({
      error: { details: { issues: [{ path: 'stages[0].actions[0].jobs[0].deploy.environment', line: 9, column: 28, message: 'unknown environment "staging" (namespace "unit" declares dev or prod)' }] } },
    });
    expect(await store.getFlow('unit/shop/deploy')).toBeUndefined();
    // Applying it would sync schedules with Temporal, which this test has not: validation runs the same check.
    expect((await call('POST', '/api/v1/flows/validate', VIEWER, flowTo('dev'))).json).toMatchObject({ valid: true, uri: 'unit/shop/deploy' });
  });
});
