/**
 * Starting a run with inputs that do not fit the flow's, through the HTTP
 * layer: 422 invalid_inputs naming the input, and nothing started (no run
 * number taken). The Temporal client points at a port where nothing listens:
 * a request that got as far as starting a workflow would fail with another status.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../components/catalog.ts';
import { parseFlow } from '../flow/index.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createApi } from './app.ts';
import type { ApiApp } from './context.ts';

const TOKEN = 'operator-token-0123456789ab';
const FLOW = `uri: unit/inputs/deploy
title: Deploy
inputs:
  target: { description: where to, required: true, options: [staging, production] }
  replicas: 2
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "echo \${{ inputs.target }}" } ] } ] }
`;

let dir: string;
let store: Store;
let app: ApiApp;
let connection: Connection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coflow-api-inputs-'));
  store = await openStore({ kind: 'sqlite', file: join(dir, 'coflow.db') });
  await store.applyFlow(parseFlow(FLOW), FLOW);
  connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
  app = createApi({
    store,
    temporal: new Client({ connection }),
    taskQueue: 'unit',
    catalog: loadCatalog(join(import.meta.dirname, '../components')),
    tokens: [{ user: 'op', roles: ['operator'], token: TOKEN }],
  });
});

afterAll(async () => {
  await connection.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (body: unknown) =>
  app.request('/api/v1/flows/unit/inputs/deploy/runs', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('starting a run with inputs', () => {
  it('answers 422 naming the input for unknown, missing and out-of-options inputs, and starts nothing', async () => {
    const cases: [unknown, string[]][] = [
      [{ inputs: { target: 'staging', colour: 'red' } }, ['colour']],
      [{ inputs: { replicas: 3 } }, ['target']],
      [{}, ['target']],
      [{ inputs: { target: 'prod' } }, ['target']],
    ];
    for (const [body, names] of cases) {
      const res = await start(body);
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as { error: { code: string; message: string; details: { problems: { input: string }[] } } };
      expect(error.code).toBe('invalid_inputs');
      expect(error.details.problems.map((p) => p.input)).toEqual(names);
      for (const name of names) expect(error.message).toContain(`"${name}"`);
    }
    // No run number was taken by the refused starts.
    expect(await store.nextRunNumber('unit/inputs/deploy')).toBe(1);
  });

  it('refuses values that are not text, numbers or booleans (400)', async () => {
    expect((await start({ inputs: { target: ['staging'] } })).status).toBe(400);
  });

  it('lists the declared inputs with the flow, and in the flows list', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const list = (await (await app.request('/api/v1/flows', { headers })).json()) as { flows: { uri: string; inputs: unknown }[] };
    const declared = { target: { description: 'where to', required: true, options: ['staging', 'production'] }, replicas: { default: '2', required: false } };
    expect(list.flows.find((f) => f.uri === 'unit/inputs/deploy')?.inputs).toEqual(declared);
    const one = (await (await app.request('/api/v1/flows/unit/inputs/deploy', { headers })).json()) as { spec: { inputs: unknown } };
    expect(one.spec.inputs).toEqual(declared);
  });
});
