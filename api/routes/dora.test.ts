/**
 * GET /api/v1/metrics/dora through app.request() on a real SQLite store:
 * records in, the four keys out; bad dates and unknown environments 422.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../components/catalog.ts';
import type { DoraReport } from '../../contracts/dora.ts';
import type { EnvironmentsSpec } from '../../contracts/environments.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { createApi } from '../app.ts';
import type { ApiApp } from '../context.ts';

const TOKEN = 'viewer-token-0123456789ab';
const DAY = 86_400_000;
// Two days ago and one day ago, so the default window (12 weeks before now) holds them.
const NOW = Date.now();
const iso = (t: number): string => new Date(t).toISOString();

const ENVIRONMENTS: EnvironmentsSpec = {
  namespace: 'acme',
  environments: ['staging', 'prod'].map((name) => ({
    name, tier: name === 'prod' ? 'production' as const : 'staging' as const, kubernetesNamespace: name,
    cluster: { kind: 'runner' as const }, protection: { approvers: [], branches: [] }, values: {},
  })),
};

let dir: string;
let store: Store;
let app: ApiApp;
let connection: Connection;

async function deploy(environment: string, finished: number, result: 'succeeded' | 'failed', commits: { sha: string; committedAt: string }[] = []): Promise<void> {
  const started = await store.startDeployment({
    key: `k-${environment}-${finished}`, namespace: 'acme', environment, application: 'shop', kind: 'deploy', flowUri: 'acme/shop/deploy',
    images: [], startedAt: iso(finished - 60_000),
  });
  await store.finishDeployment(started.id, { result, finishedAt: iso(finished), commits });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coflow-dora-api-'));
  store = await openStore({ kind: 'sqlite', file: join(dir, 'coflow.db') });
  await store.applyEnvironments(ENVIRONMENTS, 'environments');
  await deploy('prod', NOW - 2 * DAY, 'failed');
  await deploy('prod', NOW - 2 * DAY + 2 * 3_600_000, 'succeeded', [{ sha: 'a'.repeat(40), committedAt: iso(NOW - 3 * DAY) }]);
  await deploy('staging', NOW - DAY, 'succeeded');
  connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
  app = createApi({
    store, temporal: new Client({ connection }), taskQueue: 'unit',
    catalog: loadCatalog(join(import.meta.dirname, '../../components')),
    tokens: [{ user: 'vera', roles: ['viewer'], token: TOKEN }],
  });
});

afterAll(async () => {
  await connection.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: DoraReport & { error?: { code: string; message: string; details: unknown } } }> {
  const res = await app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: (await res.json()) as never };
}

describe('GET /api/v1/metrics/dora', () => {
  it('computes the four keys of the production environments from the stored records', async () => {
    const { status, body } = await get('/api/v1/metrics/dora?namespace=acme');
    expect(status).toBe(200);
    expect(body.environments).toEqual(['prod']);
    expect(body.deploymentFrequency).toMatchObject({ deployments: 1, samples: 2, tier: 'low' });
    expect(body.leadTime).toMatchObject({ value: 26, samples: 1, tier: 'high' });
    expect(body.changeFailureRate).toMatchObject({ value: 0.5, failures: 1, tier: 'low' });
    expect(body.recoveryTime).toMatchObject({ value: 2, samples: 1, tier: 'high' });
    expect(body.weekly.length).toBeGreaterThanOrEqual(12);
  });

  it('takes environments repeated or as a comma list', async () => {
    const repeated = await get('/api/v1/metrics/dora?environment=prod&environment=staging');
    const listed = await get('/api/v1/metrics/dora?environment=prod,staging');
    expect(repeated.body.environments).toEqual(['prod', 'staging']);
    expect(listed.body.deploymentFrequency).toEqual(repeated.body.deploymentFrequency);
    expect(listed.body.deploymentFrequency.deployments).toBe(2);
  });

  it('answers 422 naming a bad date or an unknown environment', async () => {
    const date = await get('/api/v1/metrics/dora?since=yesterday');
    expect(date.status).toBe(422);
    expect(date.body.error).toMatchObject({ code: 'invalid_query', details: { field: 'since' } });
    expect(date.body.error!.message).toMatch(/'yesterday' is not an ISO 8601/);
    const env = await get('/api/v1/metrics/dora?namespace=acme&environment=qa');
    expect(env.status).toBe(422);
    expect(env.body.error).toMatchObject({ code: 'unknown_environment', details: { field: 'environment' } });
    expect(env.body.error!.message).toBe("unknown environment 'qa' in namespace acme (known: prod, staging)");
  });

  it('/metrics has the DORA gauges of each production environment over 30 days, and deployments by application and result', async () => {
    const text = await (await app.request('/metrics')).text();
    const base = 'namespace="acme",environment="prod"';
    expect(text).toContain(`coflow_dora_deployment_frequency_per_day{${base}} ${1 / 30}`);
    expect(text).toContain(`coflow_dora_lead_time_hours{${base},quantile="0.5"} 26`);
    expect(text).toContain(`coflow_dora_change_failure_rate{${base}} 0.5`);
    expect(text).toContain(`coflow_dora_recovery_time_hours{${base}} 2`);
    expect(text).toContain(`coflow_deployments{${base},application="shop",result="failed"} 1`);
    expect(text).toContain(`coflow_deployments{${base},application="shop",result="succeeded"} 1`);
    expect(text).not.toContain('environment="staging"');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty(['/api/v1/metrics/dora', 'get']);
  });
});
