/**
 * The HTTP layer alone, through `app.request()`: authentication and roles,
 * request validation, and the mapping of errors to statuses. Neither Temporal
 * nor Docker: the store is a real SQLite file, the Temporal client a lazy
 * connection to a port where nothing listens, so a request that reached
 * Temporal would fail loudly instead of passing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComponentNotFoundError, ComponentUseError } from '../components/errors.ts';
import { loadCatalog } from '../components/catalog.ts';
import { ConcurrencyLimitError, DecisionRefusedError, FlowNotFoundError, GateNotWaitingError, RunEndedAbnormallyError, RunNotFoundError, RunNotOpenError, RunStillOpenError, StageNotFoundError } from '../runs/errors.ts';
import { SecretNameError } from '../store/errors.ts';
import { openStore } from '../store/open-store.ts';
import { secretVault } from '../store/secrets.ts';
import type { Store } from '../store/store.ts';
import { createApi } from './app.ts';
import type { ApiApp } from './context.ts';
import { ApiError } from './errors.ts';

const TOKENS = { viewer: 'viewer-token-0123456789ab', operator: 'operator-token-0123456789ab', admin: 'admin-token-0123456789ab' } as const;
type Role = keyof typeof TOKENS;

const FLOW = `uri: unit/api/one
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: "coflow/shell:1.0.0", script: "true" } ] } ] }
`;

let dir: string;
let store: Store;
let app: ApiApp;
let connection: Connection;

/** A route that throws what the test hands it, to see how the one error mapper answers. */
let thrown: Error = new Error('unset');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coflow-api-unit-'));
  store = await openStore({ kind: 'sqlite', file: join(dir, 'coflow.db') });
  await store.applyFlow((await import('../flow/index.ts')).parseFlow(FLOW), FLOW);
  connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
  app = createApi({
    store,
    temporal: new Client({ connection }),
    taskQueue: 'unit',
    catalog: loadCatalog(join(import.meta.dirname, '../components')),
    tokens: Object.entries(TOKENS).map(([role, token]) => ({ user: `${role}-user`, roles: [role], token })),
    secrets: secretVault(store, Buffer.alloc(32, 7)),
    routes: [(a) => void a.get('/api/v1/test/throw', () => { throw thrown; })],
  });
});

afterAll(async () => {
  await connection.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(as: Role | undefined, method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; body: { error?: { code: string; message: string; details: unknown } } & Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (as !== undefined) headers.authorization = `Bearer ${TOKENS[as]}`;
  if (body !== undefined) headers['content-type'] = contentType;
  const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as never), headers: res.headers };
}

describe('authentication and roles', () => {
  it('answers 401 without a token, with a malformed header or an unknown token, and says how to authenticate', async () => {
    const none = await call(undefined, 'GET', '/api/v1/flows');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'unauthorized', message: 'a bearer token or a session (POST /api/v1/session) is required' });
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="coflow"');
    const basic = await app.request('/api/v1/flows', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    const unknown = await app.request('/api/v1/flows', { headers: { authorization: 'Bearer not-a-configured-token-000' } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect(await unknown.text()).not.toContain('not-a-configured-token-000');
  });

  it('answers 403 naming the role a route needs, and lets stronger roles through', async () => {
    const applied = await call('operator', 'POST', '/api/v1/flows', FLOW, 'application/yaml');
    expect(applied.status).toBe(403);
    expect(applied.body.error).toMatchObject({ code: 'forbidden', details: { required: 'admin', roles: ['operator'] } });
    expect((await call('viewer', 'POST', '/api/v1/flows/unit/api/one/runs')).status).toBe(403);
    expect((await call('viewer', 'POST', '/api/v1/runs/unit/api/one/1/cancel')).status).toBe(403);
    expect((await call('operator', 'GET', '/api/v1/secrets')).status).toBe(403);
    expect((await call('viewer', 'GET', '/api/v1/flows')).status).toBe(200);
    expect((await call('admin', 'GET', '/api/v1/secrets')).status).toBe(200);
  });

  it('serves the OpenAPI document and the probes without a token', async () => {
    expect((await call(undefined, 'GET', '/api/v1/openapi.json')).status).toBe(200);
    expect((await call(undefined, 'GET', '/healthz')).body).toEqual({ ok: true });
  });
});

describe('request validation', () => {
  it('rejects an invalid flow with 422 and every issue located by line and column', async () => {
    const res = await call('viewer', 'POST', '/api/v1/flows/validate', 'uri: unit/api/bad\nstages:\n  - name: s\n    colour: blue\n', 'application/yaml');
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('invalid_flow');
    expect(res.body.error?.details).toEqual({ issues: expect.arrayContaining([expect.objectContaining({ path: 'stages[0].colour', line: 4, column: 5 })]) as unknown });
  });

  it('accepts a flow that repeats an action name (ContainerOps) and answers with the warnings, located', async () => {
    const twice = 'uri: unit/api/twice\nstages:\n  - name: s\n    actions:\n      - { name: a, jobs: [ { endpoint: x } ] }\n      - { name: a, jobs: [ { endpoint: x } ] }\n';
    const res = await call('viewer', 'POST', '/api/v1/flows/validate', twice, 'application/yaml');
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([
      { path: 'stages[0].actions[0].name', line: 5, column: 17, message: 'action name "a" is used 2 times in stage "s" (ContainerOps allowed it); this action is named "a-1"' },
      { path: 'stages[0].actions[1].name', line: 6, column: 17, message: 'action name "a" is used 2 times in stage "s" (ContainerOps allowed it); this action is named "a-2"' },
    ]);
    expect((await call('viewer', 'POST', '/api/v1/flows/validate', FLOW, 'application/yaml')).body).toEqual({ valid: true, uri: 'unit/api/one', warnings: [] });
  });

  it('rejects an empty flow body with 400, and a flow naming an unknown component with 422', async () => {
    expect((await call('admin', 'POST', '/api/v1/flows', '  \n', 'application/yaml')).body.error?.code).toBe('empty_body');
    const unknown = await call('viewer', 'POST', '/api/v1/flows/validate', FLOW.replace('endpoint: "coflow/shell:1.0.0"', 'component: library/nothing@1'), 'application/yaml');
    expect([unknown.status, unknown.body.error?.code]).toEqual([422, 'component_not_found']);
  });

  it('rejects bad query and path parameters with 400 and names the field', async () => {
    const status = await call('viewer', 'GET', '/api/v1/runs?status=sleeping');
    expect([status.status, status.body.error?.code]).toEqual([400, 'invalid_request']);
    expect(status.body.error?.details).toEqual({ issues: [expect.objectContaining({ path: 'status' })] });
    const range = await call('viewer', 'GET', '/api/v1/runs?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z');
    expect([range.status, range.body.error?.code]).toEqual([400, 'bad_time_range']);
    expect((await call('viewer', 'GET', '/api/v1/runs/unit/api/one/zero')).status).toBe(400);
    expect((await call('viewer', 'GET', '/api/v1/flows?cursor=%%%')).status).toBe(400);
    const lastEventId = await app.request('/api/v1/runs/unit/api/one/1/logs/stream', { headers: { authorization: `Bearer ${TOKENS.viewer}`, 'last-event-id': 'yesterday' } });
    expect(lastEventId.status).toBe(400);
    const secretName = await call('admin', 'PUT', '/api/v1/secrets/not-a-name', '{"value":"x"}');
    expect([secretName.status, secretName.body.error?.code]).toEqual([400, 'invalid_request']);
  });

  it('answers 400, never 500, to every JSON body that is not JSON or does not fit, on every route that takes one', async () => {
    const doc = (await call(undefined, 'GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => op.requestBody?.content?.['application/json'] !== undefined).map(([method]) => ({ method: method.toUpperCase(), path })));
    // Every JSON-body route of the API: starting runs, pausing, resuming, deciding, secrets, callbacks.
    expect(routes.length).toBeGreaterThanOrEqual(6);
    const concrete = (path: string): string => path.replace('{ns}/{repo}/{name}', 'unit/api/one').replace('{number}', '1').replace('{stage}', 'gate').replace('{name}', 'TOKEN').replace('{token}', 'some-token');
    // Clients send bodies with the wrong content type too (`curl -d` sends a form type): still 400.
    const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];
    for (const { method, path } of routes) {
      for (const contentType of contentTypes) {
        for (const body of ['{"comment": ', '[1, 2', 'not json at all', '{"comment": 42, "value": 42, "result": "maybe"}']) {
          const res = await call('admin', method, concrete(path), body, contentType);
          // A JSON body that is not JSON is 400; a body of another type may also get 415 (unsupported media type).
          const expected = contentType === 'application/json' || res.status !== 415 ? 400 : 415;
          expect({ route: `${method} ${path}`, contentType, body, status: res.status }).toEqual({ route: `${method} ${path}`, contentType, body, status: expected });
          expect(res.body.error?.message).toBeTruthy();
        }
      }
    }
  });

  it('refuses a body past the limit with 413', async () => {
    const res = await call('admin', 'POST', '/api/v1/flows', `uri: a/b/c\n# ${'x'.repeat(11 * 1024 * 1024)}\n`, 'application/yaml');
    expect([res.status, res.body.error?.code]).toEqual([413, 'body_too_large']);
  });
});

describe('the one error mapper', () => {
  const cases: [Error, number, string][] = [
    [new ApiError('bad_cursor', 'x'), 400, 'bad_cursor'],
    [new FlowNotFoundError('a/b/c'), 404, 'not_found'],
    [new RunNotFoundError('a/b/c#1'), 404, 'not_found'],
    [new StageNotFoundError('a/b/c#1', 'gate'), 404, 'not_found'],
    [new RunNotOpenError('a/b/c#1', 'completed'), 409, 'run_not_open'],
    [new RunStillOpenError('a/b/c#1'), 409, 'run_open'],
    [new RunEndedAbnormallyError('a/b/c#1', 'terminated'), 409, 'run_ended_abnormally'],
    [new GateNotWaitingError('gate', 'not_a_gate', 'x'), 409, 'not_a_gate'],
    [new GateNotWaitingError('gate', 'gate_not_waiting', 'x'), 409, 'gate_not_waiting'],
    [new DecisionRefusedError('bob', 'bob may not'), 403, 'decision_refused'],
    [new ConcurrencyLimitError('a/b/c', 2, 2), 409, 'concurrency_limit'],
    [new ComponentNotFoundError('library/x@1', 's.a.j'), 422, 'component_not_found'],
    [new ComponentUseError([{ job: 's.a.j', message: 'input "x" is not an input of library/http@1.0.0' }]), 422, 'invalid_component_use'],
    [new SecretNameError('a-b'), 400, 'bad_secret_name'],
  ];

  it.each(cases)('answers %s with its status and code', async (err, status, code) => {
    thrown = err;
    const res = await call('viewer', 'GET', '/api/v1/test/throw');
    expect([res.status, res.body.error?.code, res.body.error?.message]).toEqual([status, code, err.message]);
  });

  it('hides an unexpected error behind 500 internal, without its message', async () => {
    thrown = new Error('database password is hunter2');
    const res = await call('viewer', 'GET', '/api/v1/test/throw');
    expect([res.status, res.body.error?.code]).toEqual([500, 'internal']);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('answers unknown routes, flows and runs with 404 in the error body', async () => {
    expect((await call('viewer', 'GET', '/api/v1/nothing-here')).body.error?.code).toBe('not_found');
    expect((await call('viewer', 'GET', '/api/v1/flows/unit/api/missing')).status).toBe(404);
    const start = await call('operator', 'POST', '/api/v1/flows/unit/api/missing/runs');
    expect([start.status, start.body.error?.message]).toEqual([404, 'flow unit/api/missing not found']);
    expect((await call('viewer', 'GET', '/api/v1/flows/unit/api/missing/versions')).status).toBe(404);
    expect((await call('admin', 'DELETE', '/api/v1/secrets/NOT_THERE')).status).toBe(404);
    expect((await call(undefined, 'POST', '/hooks/callback/unknown-token')).status).toBe(404);
    expect((await call(undefined, 'POST', '/hooks/bitbucket/unit/api/one', '{}')).status).toBe(404);
  });
});
