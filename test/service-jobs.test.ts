/**
 * `service` jobs end to end: a real worker, API and Temporal dev server, and
 * a third-party system played by a local HTTP server that calls back through
 * the API like Jenkins or Spinnaker would.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLogs, applyAndRun, job, startHarness, type Harness } from './support/harness.ts';

const CI_TOKEN = 'ci-t0ken-that-must-not-leak';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** The third-party system: records every call; `/build` calls back after a second. */
function fakeSystem(): { server: Server; received: Received[]; callbacks: { url: string; status: number }[] } {
  const received: Received[] = [];
  const callbacks: { url: string; status: number }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      received.push({ method: req.method ?? '', path, headers: req.headers, body });
      const reply = (status: number, text: string, type = 'application/json'): void => {
        res.writeHead(status, { 'content-type': type }).end(text);
      };
      if (path === '/build') {
        reply(201, '{"queued": true}');
        const url = (JSON.parse(body) as { callback: string }).callback;
        // A careless system echoes the credential it was called with.
        const credential = String(req.headers.authorization).replace(/^Bearer /, '');
        setTimeout(() => {
          void fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ result: 'success', outputs: { VERSION: '1.2.3', BUILD: 42, CALLER: `token ${credential}` }, message: `built for ${credential}` }),
          }).then((r) => callbacks.push({ url, status: r.status }));
        }, 1_000);
      } else if (path === '/failing-build') {
        reply(200, '{}');
        const url = String(req.headers['x-coflow-callback']);
        setTimeout(() => void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"result": "failure", "message": "tests failed"}' }), 500);
      } else if (path === '/never') reply(202, '{}');
      else if (path === '/info') reply(200, JSON.stringify({ version: '2.0', ok: true, nested: { x: 1 }, count: 7 }));
      else if (path.startsWith('/text?')) reply(200, 'issued svc-s3cret-77\n[COUT] COLOR = blue\n[COUT] ::mask:: svc-s3cret-77\n[COUT] KEY = svc-s3cret-77\n', 'text/plain');
      else if (path === '/broken') reply(503, 'down for maintenance', 'text/plain');
      else reply(400, '{"error": "bad request"}');
    });
  });
  return { server, received, callbacks };
}

describe('service jobs', () => {
  let h: Harness;
  let system: ReturnType<typeof fakeSystem>;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ secrets: { CI_TOKEN } });
    system = fakeSystem();
    await new Promise<void>((resolve) => system.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(system.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    system?.server.closeAllConnections();
    await new Promise((resolve) => system?.server.close(resolve));
    await h?.stop();
  });

  it('completes when the system calls back; later jobs read its outputs; the callback works once', async () => {
    const run = await applyAndRun(
      h.api,
      `
uri: test/service/callback
stages:
  - name: ci
    actions:
      - name: remote
        jobs:
          - name: build
            type: service
            service:
              url: "${base}/build"
              headers: { Authorization: "Bearer \${{ secrets.CI_TOKEN }}", Content-Type: application/json }
              body: '{"callback": "\${{ callback.url }}", "run": "\${{ run.number }}"}'
              callback: { timeout: 1m }
            outputs: [VERSION, BUILD, CALLER]
          - name: use
            endpoint: coflow/shell:1.0.0
            script: 'echo "version \${{ jobs.build.outputs.VERSION }} build $BUILD"'
            subscriptions:
              - "ci.remote.build[BUILD]": BUILD
`,
    );
    expect(run.state).toBe('succeeded');
    const build = job(run, 'ci.remote.build');
    // Outputs sent by the callback are masked like a container's.
    expect(build.outputs).toEqual({ VERSION: '1.2.3', BUILD: '42', CALLER: 'token ***' });
    expect(build.attempts).toHaveLength(1);
    expect((await allLogs(h.api, run.runId, 'ci.remote.use')).map((l) => l.text)).toContain('version 1.2.3 build 42');

    // The system got the call as written, with the secret and the callback URL in the body and the header.
    const call = system.received.find((r) => r.path === '/build');
    expect(call?.method).toBe('POST');
    expect(call?.headers.authorization).toBe(`Bearer ${CI_TOKEN}`);
    const callbackUrl = (JSON.parse(call?.body ?? '{}') as { callback: string }).callback;
    expect(callbackUrl).toMatch(new RegExp(`^${h.platform.apiUrl}/hooks/callback/[A-Za-z0-9_-]{43}$`));
    expect(call?.headers['x-coflow-callback']).toBe(callbackUrl);
    expect(system.callbacks).toEqual([{ url: callbackUrl, status: 200 }]);

    // Logged, with the secret and the token masked.
    const lines = (await allLogs(h.api, run.runId, 'ci.remote.build')).map((l) => l.text);
    expect(lines).toContain(`> POST ${base}/build`);
    expect(lines).toContain('> Authorization: Bearer ***');
    expect(lines).toContain(`> X-Coflow-Callback: ${h.platform.apiUrl}/hooks/callback/***`);
    expect(lines).toContain('< 201 Created');
    expect(lines).toContain('service: callback: success: built for ***');
    expect(lines.join('\n')).not.toContain(CI_TOKEN);
    expect(lines.join('\n')).not.toContain(callbackUrl);

    // Single use: the same token again is refused and changes nothing.
    const again = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"result": "failure"}' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('callback_used');
    expect(job(await h.api.runStatus(run.runId), 'ci.remote.build').state).toBe('succeeded');
  });

  it('refuses an unknown token and a malformed body without using the token up', async () => {
    const unknown = await fetch(`${h.platform.apiUrl}/hooks/callback/${'x'.repeat(43)}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${h.platform.apiUrl}/hooks/callback/${'x'.repeat(43)}`, { method: 'POST', body: '{"result": "maybe"}', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
  });

  it('fails with a clear error when the callback never comes; a late callback is refused', async () => {
    const started = Date.now();
    const run = await applyAndRun(
      h.api,
      `
uri: test/service/timeout
stages:
  - name: ci
    actions:
      - name: remote
        jobs:
          - name: deploy
            type: service
            service: { url: "${base}/never", body: "go", callback: { timeout: 3s } }
`,
    );
    expect(run.state).toBe('failed');
    const deploy = job(run, 'ci.remote.deploy');
    expect(deploy.state).toBe('failed');
    expect(deploy.error).toBe('no callback within 3s');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    const late = system.received.filter((r) => r.path === '/never').at(-1)?.headers['x-coflow-callback'];
    expect(typeof late).toBe('string');
    const answer = await fetch(String(late), { method: 'POST' });
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('callback_expired');
  });

  it('a callback that reports failure fails the attempt, retried per retries', async () => {
    const run = await applyAndRun(
      h.api,
      `
uri: test/service/callback-failure
stages:
  - name: ci
    actions:
      - name: remote
        jobs:
          - { name: build, type: service, service: { url: "${base}/failing-build", callback: true }, retries: { max: 1, backoff: 1s } }
`,
    );
    const build = job(run, 'ci.remote.build');
    expect(build.state).toBe('failed');
    expect(build.attempts.map((a) => a.state)).toEqual(['failed', 'failed']);
    expect(build.error).toBe('the service reported failure: tests failed');
  });

  it('without a callback, a 2xx response gives the outputs (JSON fields or [COUT] lines)', async () => {
    const run = await applyAndRun(
      h.api,
      `
uri: test/service/plain
stages:
  - name: ci
    actions:
      - name: remote
        jobs:
          - { name: info, type: service, service: { url: "${base}/info", method: GET }, outputs: [version, ok] }
          - { name: text, type: service, service: { url: "${base}/text?v=\${{ jobs.info.outputs.version }}" } }
`,
    );
    expect([run.state, job(run, 'ci.remote.info').error, job(run, 'ci.remote.text').error]).toEqual(['succeeded', undefined, undefined]);
    expect(job(run, 'ci.remote.info').outputs).toEqual({ version: '2.0', ok: 'true', count: '7' });
    // A text body's `::mask::` value is masked in the whole body as logged and in the outputs.
    expect(job(run, 'ci.remote.text').outputs).toEqual({ COLOR: 'blue', KEY: '***' });
    const textLog = (await allLogs(h.api, run.runId, 'ci.remote.text')).map((l) => l.text);
    expect(textLog).toEqual(expect.arrayContaining(['< issued ***', '< [COUT] ::mask:: ***']));
    expect(textLog.join('\n')).not.toContain('svc-s3cret-77');
    expect(system.received.some((r) => r.path === '/text?v=2.0' && r.method === 'POST')).toBe(true);
  });

  it('a non-2xx response fails the attempt: 5xx is retried per retries, 4xx is not', async () => {
    const run = await applyAndRun(
      h.api,
      `
uri: test/service/failing
stages:
  - name: ci
    sequencing: parallel
    actions:
      - name: a
        jobs:
          - { name: broken, type: service, service: { url: "${base}/broken" }, retries: { max: 1, backoff: 1s }, allowFailure: true }
      - name: b
        jobs:
          - { name: rejected, type: service, service: { url: "${base}/rejected" }, retries: { max: 2, backoff: 1s }, allowFailure: true }
`,
    );
    // allowFailure on both: a failing job would otherwise cancel its parallel sibling (fail fast).
    expect(run.state).toBe('succeeded');
    const broken = job(run, 'ci.a.broken');
    expect(broken.state).toBe('failed');
    expect(broken.attempts).toHaveLength(2);
    expect(broken.error).toBe(`POST ${base}/broken answered 503 Service Unavailable`);
    const rejected = job(run, 'ci.b.rejected');
    expect(rejected.attempts).toHaveLength(1);
    expect(rejected.error).toBe(`POST ${base}/rejected answered 400 Bad Request`);
    const lines = (await allLogs(h.api, run.runId, 'ci.a.broken')).map((l) => l.text);
    expect(lines).toContain('< 503 Service Unavailable');
    expect(lines).toContain('< down for maintenance');
  });
});
