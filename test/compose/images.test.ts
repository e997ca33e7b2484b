/**
 * The images of the production topology, each proven on its own, through
 * what a user reaches (ports published on 127.0.0.1):
 * - the proxy balances over two API servers, streams SSE unbuffered, skips a
 *   server that is gone and finds it again once it is back;
 * - the real Temporal server comes up on the PostgreSQL container (the
 *   compose file's own services), sets up its schema and namespace, survives
 *   a restart; the web UI reaches it;
 * - the coflow image (Node 24, the prebuilt workflow bundle, an unprivileged
 *   user in the Docker socket's group) runs a flow end to end on that server:
 *   a job as a sibling container on the host's engine, the run listed through
 *   coflow's search attributes in SQL visibility.
 * The whole topology (migrate, 2 API servers, 2 workers, PostgreSQL store) is
 * compose.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.ts';
import { isFinal, type RunStatus } from '../../contracts/run-status.ts';
import { repoRoot } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';
import { ComposeProject, coflowVersion, dockerSocketGid, projectName } from './compose-project.ts';
import { Containers, docker } from './containers.ts';
import { helloFlow } from '../support/hello-flow.ts';

const COFLOW = `coflow/coflow:${coflowVersion}`;
const PROXY = `coflow/proxy:${coflowVersion}`;
const containers = new Containers();
afterAll(() => containers.removeAll());

/** An HTTP server standing in for an API server: answers its name; /events is an SSE stream of two events 2 s apart. */
const STUB_SERVER = `
import { createServer } from 'node:http';
const name = process.env.STUB_NAME;
createServer((req, res) => {
  if (req.url === '/events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('event: one\\ndata: ' + name + '\\n\\n');
    setTimeout(() => { res.end('event: two\\ndata: ' + name + '\\n\\n'); }, 2000);
    return;
  }
  res.end(name);
}).listen(8080, '0.0.0.0');
`;

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * /readyz answers as soon as coflow has added its search attributes, but the
 * Temporal frontend's namespace cache learns them up to a few seconds later
 * (system.namespaceCacheRefreshInterval, 2 s): until then listing and starting
 * runs fail with 500 ("Namespace default has no mapping defined for search
 * attribute CoflowActor"), and a failed start uses up its run number. Remove
 * once coflow waits for that itself at start-up.
 */
async function namespaceCacheKnowsSearchAttributes(api: ApiClient): Promise<void> {
  await eventually('the run list answers', async () => {
    await api.listRuns({});
    return true;
  }, 30_000);
  await new Promise((r) => setTimeout(r, 5_000));
}

describe('the proxy image', () => {
  let base = '';
  let stub2 = '';

  beforeAll(async () => {
    const net = await containers.network(projectName('coflow-proxy-test'));
    const stub = (name: string): Promise<string> =>
      containers.start('--network', net, '--network-alias', name, '-e', `STUB_NAME=${name}`, '--entrypoint', 'node', COFLOW, '--input-type=module', '-e', STUB_SERVER);
    await stub('stub-1');
    stub2 = await stub('stub-2');
    const proxy = await containers.start('--network', net, '-e', 'COFLOW_PROXY_UPSTREAMS=stub-1:8080,stub-2:8080', '-e', 'COFLOW_PROXY_RESOLVE_EVERY=1', '-p', '127.0.0.1::8080', PROXY);
    await containers.waitHealthy(proxy);
    base = `http://${await containers.published(proxy, 8080)}`;
    await eventually('both upstreams answering', async () => ((await get(`${base}/`)).status === 200 ? true : undefined));
  });

  it('spreads requests over both API servers', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const r = await get(`${base}/api/v1/anything`);
      expect(r.status).toBe(200);
      seen.add(r.body);
    }
    expect([...seen].sort()).toEqual(['stub-1', 'stub-2']);
  });

  it('streams Server-Sent Events as they come, not when the response ends', async () => {
    const t0 = Date.now();
    const res = await fetch(`${base}/events`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const firstAfter = Date.now() - t0;
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(first).toMatch(/^event: one\ndata: stub-\d\n\n$/);
    // The second event comes 2 s later; a buffering proxy would deliver both together.
    expect(firstAfter).toBeLessThan(1_500);
    expect(rest).toMatch(/event: two/);
  });

  it('sends everything to the other server while one is gone, and finds it again once it is back', async () => {
    await docker('stop', '-t', '1', stub2);
    for (let i = 0; i < 6; i++) expect(await get(`${base}/`)).toEqual({ status: 200, body: 'stub-1' });
    await docker('start', stub2);
    await eventually('stub-2 reached again', async () => ((await get(`${base}/`)).body === 'stub-2' ? true : undefined), 30_000);
  });

  it('answers its own health check', async () => {
    expect(await get(`${base}/proxy/healthz`)).toEqual({ status: 200, body: 'ok\n' });
  });
});

describe('the coflow image', () => {
  it('has Node 24, the prebuilt workflow bundle, and runs as an unprivileged user', async () => {
    const out = await docker('run', '--rm', '--entrypoint', 'bash', COFLOW, '-c', 'node --version; id -u; test -s "$COFLOW_WORKFLOW_BUNDLE" && echo bundle');
    expect(out.split('\n')).toEqual([expect.stringMatching(/^v24\./), '10001', 'bundle']);
    expect(await docker('run', '--rm', COFLOW)).toMatch(/^usage: coflow <command>/);
  });
});

/** Today's one-process platform (API and worker, embedded store) in the coflow image: a stand-in for `coflow api` + `coflow worker`. */
const PLATFORM = `
const { loadConfig } = await import('./worker/config.ts');
const { startPlatform } = await import('./worker/platform.ts');
await startPlatform({ ...loadConfig(), bundle: { codePath: process.env.COFLOW_WORKFLOW_BUNDLE } });
process.stdout.write('platform started\\n');
`;

const FLOW = helloFlow('test/images/hello', 'Hello from the images');

describe('the Temporal server, its UI and PostgreSQL (the compose file\'s services)', () => {
  let project: ComposeProject;
  // On the project's network: removed before the project goes down.
  const platform = new Containers();

  beforeAll(async () => {
    project = new ComposeProject(projectName('coflow-images-test'), [join(repoRoot, 'docker-compose.yml')], {
      COFLOW_VERSION: coflowVersion,
      COFLOW_SECRETS_KEY: randomBytes(32).toString('base64'),
      COFLOW_SESSION_KEY: randomBytes(36).toString('base64'),
      COFLOW_DOCKER_GID: dockerSocketGid(),
      COFLOW_HTTP_PORT: String(await freePort()),
      COFLOW_TEMPORAL_UI_PORT: String(await freePort()),
    });
    await project.up(['postgres', 'temporal', 'temporal-ui']);
    await project.waitHealthy(['postgres', 'temporal', 'temporal-ui']);
  });
  afterAll(async () => {
    await platform.removeAll();
    await project?.down();
  });

  it('serves the namespace after setting up its schema on PostgreSQL, also after a restart', async () => {
    expect(await project.logs(['temporal'])).toMatch(/schemas of temporal and temporal_visibility are current[\s\S]*serving on :7233 \(namespace default\)/);
    await project.compose(['restart', 'temporal']);
    await project.waitHealthy(['temporal']);
  });

  it('has a web UI that reaches the server', async () => {
    const ui = `http://${await project.published('temporal-ui', 8080)}`;
    expect((await get(`${ui}/`)).status).toBe(200);
    const namespaces = await eventually('the UI lists namespaces', async () => {
      const r = await get(`${ui}/api/v1/namespaces`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(JSON.parse(namespaces)).toMatchObject({ namespaces: expect.arrayContaining([expect.objectContaining({ namespaceInfo: expect.objectContaining({ name: 'default' }) as unknown })]) as unknown });
  });

  it('runs a flow from the coflow image: a job on the host\'s engine, the run listed through search attributes', async () => {
    const id = await platform.start(
      '--init', '--network', `${project.name}_default`, '-p', '127.0.0.1::8080',
      '-v', '/var/run/docker.sock:/var/run/docker.sock', '--group-add', dockerSocketGid(),
      '-e', 'COFLOW_TEMPORAL_ADDRESS=temporal:7233', '-e', `COFLOW_TASK_QUEUE=images-test-${Date.now()}`,
      '--entrypoint', 'node', COFLOW, '--input-type=module', '-e', PLATFORM,
    );
    const api = new ApiClient(`http://${await platform.published(id, 8080)}`);
    await eventually('the API is ready', async () => ((await api.probe('/readyz')).status === 200 ? true : undefined), 90_000)
      .catch(async (err: Error) => { throw new Error(`${err.message}\n${await docker('logs', '--tail', '40', id).catch(String)}`); });

    await namespaceCacheKnowsSearchAttributes(api);
    expect(await api.applyFlow(FLOW)).toMatchObject({ uri: 'test/images/hello', version: 1 });
    const { runId } = await api.startRun('test/images/hello');
    const status = await eventually('the run ends', async () => {
      const s: RunStatus = await api.runStatus(runId);
      return isFinal(s.state) ? s : undefined;
    }, 120_000);
    expect(status.state).toBe('succeeded');
    const page = await api.logs(runId, {});
    expect(page.lines.map((l) => l.text)).toEqual(['hello from greet.say.hello', '[COUT] GREETING = hi']);
    // Listing filters by CoflowFlow: the search attributes coflow registered in SQL visibility.
    const listed = await eventually('the run is listed', async () => {
      const { runs } = await api.listRuns({ flow: 'test/images/hello' });
      return runs.length > 0 ? runs : undefined;
    }, 60_000);
    expect(listed).toMatchObject([{ runId, status: 'succeeded' }]);
  });
});
