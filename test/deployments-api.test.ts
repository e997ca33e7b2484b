/**
 * Deployment records and incidents through the real API (and the CLI): the
 * list's filters and paging, one record with its manifest, incidents linked
 * to the deployment live when they opened, and Alertmanager's notifications
 * (real HTTP POSTs, bearer token) opening and resolving incidents.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { ApiCallError } from '../cli/errors.ts';
import type { DeploymentRecord, IncidentRecord, NewDeployment } from '../contracts/deployments.ts';
import type { Store } from '../store/store.ts';
import { repoRoot, startHarness, type Harness } from './support/harness.ts';
import { at, environmentsSpec, newDeployment } from './support/store-suite-deployments.ts';

const OPERATOR = 'operator-token-for-deployment-tests';
const VIEWER = 'viewer-token-for-deployment-tests';
const ALERTS_TOKEN = 'alertmanager-bearer-for-deployment-tests';
let h: Harness;
let store: Store;
let operator: ApiClient;
let viewer: ApiClient;
const ids: Record<string, number> = {};

/** A finished deployment of team/…: started at `minute`, ended a minute later. */
async function seed(name: string, minute: number, result: 'succeeded' | 'failed', over: Partial<NewDeployment> = {}): Promise<DeploymentRecord> {
  const started = await store.startDeployment({ ...newDeployment(minute, over), manifest: `# ${name}\nkind: Deployment\n` });
  ids[name] = started.id;
  return store.finishDeployment(started.id, { result, finishedAt: at(minute + 1) });
}

beforeAll(async () => {
  h = await startHarness({
    tokens: [{ user: 'olga', roles: ['operator'], token: OPERATOR }, { user: 'vic', roles: ['viewer'], token: VIEWER }],
    secrets: { ALERTS_TOKEN },
  });
  store = h.platform.store;
  operator = new ApiClient(h.platform.apiUrl, OPERATOR);
  viewer = new ApiClient(h.platform.apiUrl, VIEWER);
  await store.applyEnvironments(environmentsSpec('team', ['staging', 'production']), 'seeded');
  await seed('p1', 10, 'succeeded');
  await seed('s1', 12, 'succeeded', { environment: 'staging' });
  await seed('p2', 20, 'succeeded', { flowUri: 'team/app/hotfix' });
  await seed('p3', 30, 'failed');
  await seed('other', 40, 'succeeded', { application: 'billing' });
});
afterAll(async () => {
  await h?.stop();
});

async function refused(call: Promise<unknown>): Promise<ApiCallError> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiCallError);
  return err as ApiCallError;
}

describe('deployment records', () => {
  it('are listed newest first, filtered, paged, without manifests; one record has its manifest', async () => {
    const list = (q: string) => viewer.request<{ deployments: DeploymentRecord[]; next: number | null }>('GET', `/api/v1/deployments${q}`);
    const names = (page: { deployments: DeploymentRecord[] }) => page.deployments.map((d) => Object.keys(ids).find((k) => ids[k] === d.id));
    expect(names(await list(''))).toEqual(['other', 'p3', 'p2', 's1', 'p1']);
    expect(names(await list('?environment=production&application=app'))).toEqual(['p3', 'p2', 'p1']);
    expect(names(await list('?flow=team/app/hotfix'))).toEqual(['p2']);
    expect(names(await list(`?since=${at(12)}&until=${at(30)}`))).toEqual(['p2', 's1']);
    const first = await list('?limit=2');
    expect(names(first)).toEqual(['other', 'p3']);
    expect(first.deployments[0]).not.toHaveProperty('manifest');
    expect(names(await list(`?limit=2&before=${first.next}`))).toEqual(['p2', 's1']);
    expect((await refused(list(`?since=${at(30)}&until=${at(12)}`))).code).toBe('bad_time_range');
    expect((await refused(list('?limit=100000'))).status).toBe(400);

    const one = await viewer.request<DeploymentRecord>('GET', `/api/v1/deployments/${ids['p2']}`);
    expect(one).toMatchObject({ result: 'succeeded', manifest: '# p2\nkind: Deployment\n', flowUri: 'team/app/hotfix', user: 'ada' });
    expect((await refused(viewer.request('GET', '/api/v1/deployments/99999'))).status).toBe(404);
  });

  it('are shown by `coflow deployments` as a table', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'deployments', '--environment', 'production', '--application', 'app'], {
      env: { ...process.env, COFLOW_API: h.platform.apiUrl, COFLOW_TOKEN: VIEWER },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    expect(lines[0]).toEqual(['ID', 'ENVIRONMENT', 'APPLICATION', 'RESULT', 'COMMIT', 'USER', 'STARTED', 'DURATION', 'ROLLBACK OF']);
    expect(lines.slice(1)).toEqual([
      [String(ids['p3']), 'production', 'app', 'failed', 'c300000', 'ada', at(30), '1m00s'],
      [String(ids['p2']), 'production', 'app', 'succeeded', 'c200000', 'ada', at(20), '1m00s'],
      [String(ids['p1']), 'production', 'app', 'succeeded', 'c100000', 'ada', at(10), '1m00s'],
    ]);
  });
});

describe('DORA metrics', () => {
  it('`coflow dora` gives the four keys of the production environment from these records', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'dora', '--namespace', 'team', '--since', '2025-03-01', '--until', '2025-03-02'], {
      env: { ...process.env, COFLOW_API: h.platform.apiUrl, COFLOW_TOKEN: VIEWER },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    expect(await new Promise((resolve) => child.once('close', resolve))).toBe(0);
    // p1, p2 and other succeeded, p3 failed with no later success of its application: not recovered, not measured.
    expect(stdout.split('\n').slice(0, 7).map((l) => l.split(/\s{2,}/))).toEqual([
      ['DORA production · 2025-03-01T00:00:00.000Z → 2025-03-02T00:00:00.000Z (1 day)'],
      [''],
      ['deployment frequency', '3/day (21/week, 3 successful)', 'elite'],
      ['lead time', '–', 'not measured'],
      ['change failure rate', '25 % (1 of 4)', 'medium'],
      ['recovery time', '–', 'not measured'],
      [''],
    ]);
    const staging = await viewer.request<{ environments: string[]; deploymentFrequency: { deployments: number } }>('GET', '/api/v1/metrics/dora?namespace=team&environment=staging&since=2025-03-01&until=2025-03-02');
    expect(staging).toMatchObject({ environments: ['staging'], deploymentFrequency: { deployments: 1 } });
  });
});

describe('incidents', () => {
  type Opened = IncidentRecord & { linkedBy: string };
  const open = (body: object, client = operator) => client.request<Opened>('POST', '/api/v1/incidents', JSON.stringify(body), 'application/json');

  it('link the deployment live when they opened, or the one named; refuse unknown environments and deployments', async () => {
    // p3 failed: at minute 35, p2 (finished at 21) was live.
    expect(await open({ environment: 'production', application: 'app', title: 'slow checkout', openedAt: at(35) }))
      .toMatchObject({ namespace: 'team', deploymentId: ids['p2'], linkedBy: 'live-at-open', openedBy: 'olga', source: 'api' });
    expect(await open({ environment: 'production', application: 'app', title: 'early', openedAt: at(15) })).toMatchObject({ deploymentId: ids['p1'], linkedBy: 'live-at-open' });
    const before = await open({ environment: 'production', application: 'app', title: 'before any', openedAt: at(5) });
    expect(before.linkedBy).toBe('none');
    expect(before).not.toHaveProperty('deploymentId');
    expect(await open({ environment: 'production', deployment: ids['p3'], title: 'named' })).toMatchObject({ deploymentId: ids['p3'], application: 'app', linkedBy: 'given' });

    const unknownEnv = await refused(open({ environment: 'prod', title: 'x' }));
    expect([unknownEnv.status, unknownEnv.code]).toEqual([422, 'unknown_environment']);
    expect(unknownEnv.message).toContain('"prod"');
    const unknownDeployment = await refused(open({ environment: 'production', deployment: 99999, title: 'x' }));
    expect([unknownDeployment.status, unknownDeployment.message]).toEqual([422, 'deployment 99999 does not exist']);
    expect((await refused(open({ environment: 'staging', deployment: ids['p3'], title: 'x' }))).code).toBe('unknown_deployment');
    expect((await refused(open({ environment: 'production', title: 'x' }, viewer))).status).toBe(403);
  });

  it('are resolved once and listed open or all', async () => {
    const opened = await open({ environment: 'staging', application: 'app', title: 'to resolve' });
    expect(opened).toMatchObject({ deploymentId: ids['s1'], linkedBy: 'live-at-open' });
    const resolve = () => operator.request<IncidentRecord>('POST', `/api/v1/incidents/${opened.id}/resolve`, '{}', 'application/json');
    const resolved = await resolve();
    expect(resolved.resolvedAt).toBeDefined();
    expect(await resolve()).toEqual(resolved);
    expect((await refused(operator.request('POST', '/api/v1/incidents/99999/resolve', '{}', 'application/json'))).status).toBe(404);
    const list = (q: string) => viewer.request<{ incidents: IncidentRecord[] }>('GET', `/api/v1/incidents${q}`);
    expect((await list('?environment=staging')).incidents.map((i) => i.id)).toEqual([opened.id]);
    expect((await list('?environment=staging&open=true')).incidents).toEqual([]);
  });
});

describe('the Alertmanager receiver', () => {
  const notify = (namespace: string, token: string | undefined, body: unknown) =>
    fetch(`${h.platform.apiUrl}/hooks/alertmanager/${namespace}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    });
  const alert = (status: 'firing' | 'resolved', fingerprint: string, labels: Record<string, string>, endsAt = '0001-01-01T00:00:00Z') => ({
    status, labels: { alertname: 'HighErrorRate', ...labels }, annotations: { summary: `errors on ${fingerprint}` }, startsAt: at(50), endsAt, fingerprint,
    generatorURL: 'http://prometheus.example/graph',
  });
  const payload = (status: 'firing' | 'resolved', alerts: object[]) => ({
    version: '4', groupKey: '{}:{alertname="HighErrorRate"}', status, receiver: 'coflow', groupLabels: {}, commonLabels: {}, commonAnnotations: {},
    externalURL: 'http://alertmanager.example', truncatedAlerts: 0, alerts,
  });

  it('opens an incident per firing alert, once, and resolves it when the alert resolves', async () => {
    const firing = payload('firing', [
      alert('firing', 'fp-prod', { environment: 'production', application: 'app' }),
      alert('firing', 'fp-named', { environment: 'production', coflow_deployment: String(ids['p3']) }),
      alert('firing', 'fp-none', {}),
      alert('firing', 'fp-qa', { environment: 'qa' }),
    ]);
    const first = await notify('team', ALERTS_TOKEN, firing);
    expect(first.status).toBe(200);
    const { alerts } = (await first.json()) as { alerts: { fingerprint: string; result: string; incident?: number; linkedBy?: string; reason?: string }[] };
    expect(alerts.map((a) => [a.fingerprint, a.result, a.linkedBy])).toEqual([
      ['fp-prod', 'opened', 'live-at-open'], ['fp-named', 'opened', 'given'], ['fp-none', 'skipped', undefined], ['fp-qa', 'skipped', undefined],
    ]);
    expect(alerts[2]!.reason).toContain('environment');
    expect(alerts[3]!.reason).toContain('"qa"');
    const open = await viewer.request<{ incidents: IncidentRecord[] }>('GET', '/api/v1/incidents?open=true');
    expect(open.incidents.find((i) => i.id === alerts[0]!.incident)).toMatchObject({
      title: 'errors on fp-prod', source: 'alertmanager', externalKey: 'fp-prod', application: 'app', deploymentId: ids['p2'], openedAt: at(50),
    });
    expect(open.incidents.find((i) => i.id === alerts[1]!.incident)).toMatchObject({ title: 'errors on fp-named', deploymentId: ids['p3'] });

    const again = (await (await notify('team', ALERTS_TOKEN, firing)).json()) as { alerts: { result: string; incident?: number }[] };
    expect(again.alerts.slice(0, 2).map((a) => [a.result, a.incident])).toEqual([['already open', alerts[0]!.incident], ['already open', alerts[1]!.incident]]);

    const resolved = await notify('team', ALERTS_TOKEN, payload('resolved', [alert('resolved', 'fp-prod', { environment: 'production' }, at(55))]));
    expect(await resolved.json()).toEqual({ alerts: [{ fingerprint: 'fp-prod', result: 'resolved', incident: alerts[0]!.incident }] });
    const list = await viewer.request<{ incidents: IncidentRecord[] }>('GET', '/api/v1/incidents?environment=production');
    expect(list.incidents.find((i) => i.id === alerts[0]!.incident)?.resolvedAt).toBe(at(55));
  });

  it('refuses a wrong or missing token (401) and a namespace without a receiver (404), storing nothing', async () => {
    const count = async () => (await store.listIncidents({ namespace: 'team', limit: 500 })).length;
    const before = await count();
    const body = payload('firing', [alert('firing', 'fp-bad', { environment: 'production' })]);
    for (const token of ['wrong', undefined, `${ALERTS_TOKEN}x`]) expect((await notify('team', token, body)).status).toBe(401);
    const unknown = await notify('nobody', ALERTS_TOKEN, body);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('alerts.tokenSecret');
    expect((await notify('team', ALERTS_TOKEN, { alerts: 'no' })).status).toBe(400);
    expect(await count()).toBe(before);
  });
});
