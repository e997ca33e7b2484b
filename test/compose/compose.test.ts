/**
 * The production topology on one host, as a user runs it: docker-compose.yml
 * up under a fresh project name (PostgreSQL, the Temporal server on it,
 * `coflow migrate`, 2 API servers behind the proxy, 2 workers on the docker
 * runner), then the CLI through the one published address: apply a flow, run
 * it (a job as a sibling container on this host's engine), read the run and
 * its logs through each API server; everything goes with `down -v`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';
import { ComposeProject, coflowVersion, dockerSocketGid, projectName } from './compose-project.ts';
import { helloFlow } from '../support/hello-flow.ts';
import { expectServesWebUi } from '../support/web-ui-check.ts';

const FLOW = helloFlow('test/compose/hello', 'Hello from the compose topology');

const execFileAsync = promisify(execFile);

/** The coflow CLI of this checkout against `api`; never rejects: exit code and output. */
async function coflow(api: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [join(repoRoot, 'cli/coflow.ts'), ...args], {
      env: { ...process.env, COFLOW_API: api },
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('coflow on docker-compose (one host)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-compose-'));
  let project: ComposeProject;
  let published = '';

  beforeAll(async () => {
    const port = await freePort();
    published = `http://127.0.0.1:${port}`;
    project = new ComposeProject(projectName('coflow-compose-test'), [join(repoRoot, 'docker-compose.yml'), join(import.meta.dirname, 'docker-compose.test.yml')], {
      COFLOW_VERSION: coflowVersion,
      COFLOW_SECRETS_KEY: randomBytes(32).toString('base64'),
      COFLOW_SESSION_KEY: randomBytes(36).toString('base64'),
      COFLOW_POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
      COFLOW_DOCKER_GID: dockerSocketGid(),
      COFLOW_HTTP_PORT: String(port),
      COFLOW_PUBLIC_URL: published,
      COFLOW_TEMPORAL_UI_PORT: String(await freePort()),
    });
    await project.up();
    // The proxy answers /readyz from an API server once Temporal and the store answer it.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const status = await fetch(`${published}/readyz`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`${published}/readyz did not answer 200 within 180 s (last: ${status})\n${await project.logs()}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  });

  afterAll(async () => {
    await project?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every service: the migration completed, the rest healthy or running', async () => {
    const ps = await project.compose(['ps']);
    for (const service of ['postgres', 'temporal', 'temporal-ui', 'api-1', 'api-2', 'worker-1', 'worker-2', 'proxy']) {
      expect(ps).toMatch(new RegExp(`${project.name}[-_]${service}[-_]1\\s.*\\b(Up|running)\\b`));
    }
    // Each healthcheck runs on its own clock: both API servers become healthy, not only the one that answered first.
    await project.waitHealthy(['postgres', 'temporal', 'api-1', 'api-2', 'proxy']);
    expect(await Promise.all(['temporal', 'api-1', 'api-2'].map((s) => project.health(s)))).toEqual(['healthy', 'healthy', 'healthy']);
  });

  it('applies and runs a flow through the published address, a job on the docker runner', async () => {
    const file = join(dir, 'hello.yaml');
    writeFileSync(file, FLOW);
    expect(await coflow(published, 'apply', file)).toMatchObject({ code: 0, stdout: 'test/compose/hello: version 1 created\n' });
    // --follow reads the run's SSE stream through the proxy.
    const run = await coflow(published, 'run', 'test/compose/hello', '--follow');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('started test/compose/hello#1');
    expect(run.stdout).toMatch(/✔ hello succeeded/);
    expect(run.stdout).toMatch(/run test\/compose\/hello#1 \(flow version 1\) {2}✔ succeeded/);
  });

  it('shows the run and its logs through each API server', async () => {
    for (const service of ['api-1', 'api-2']) {
      const api = `http://${await project.published(service, 8080)}`;
      const status = await coflow(api, 'status', 'test/compose/hello#1', '--json');
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ runId: 'test/compose/hello#1', state: 'succeeded' });
      expect(await coflow(api, 'logs', 'test/compose/hello#1', 'greet.say.hello')).toMatchObject({ code: 0, stdout: 'hello from greet.say.hello\n[COUT] GREETING = hi\n' });
    }
    // Listed from Temporal visibility (coflow's search attributes on PostgreSQL), through the proxy.
    const deadline = Date.now() + 60_000;
    let listed: { runId: string; status: string }[] = [];
    while (Date.now() < deadline) {
      const runs = await coflow(published, 'runs', '--flow', 'test/compose/hello', '--json');
      listed = runs.code === 0 ? (JSON.parse(runs.stdout) as { runId: string; status: string }[]) : [];
      if (listed.length > 0) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(listed).toMatchObject([{ runId: 'test/compose/hello#1', status: 'succeeded' }]);
  });

  it('serves the web UI through the proxy and from each API server (the image carries its build)', async () => {
    await expectServesWebUi(published);
    for (const service of ['api-1', 'api-2']) await expectServesWebUi(`http://${await project.published(service, 8080)}`);
  });
});
