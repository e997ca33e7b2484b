import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from './context.ts';
import { registerWebUi } from './web-ui.ts';

function appWith(webRoot: string | undefined) {
  const app = new OpenAPIHono<ApiEnv>();
  app.get('/api/v1/ping', (c) => c.json({ ok: true }));
  app.notFound((c) => c.json({ error: { code: 'not_found' } }, 404));
  registerWebUi(app, webRoot);
  return app;
}

function build(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'app-ABC.js'), 'console.log("app")');
  return dir;
}

describe('serving the web UI', () => {
  it('answers every page path with the page, assets cached for good, gzipped when asked', async () => {
    const app = appWith(build());
    for (const path of ['/', '/runs/acme/shop/ci/3', '/flows/new']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="app">');
    }
    const asset = await app.request('/assets/app-ABC.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await asset.arrayBuffer())).toString()).toBe('console.log("app")');
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    // HEAD (monitoring, link checkers) gets the page's status and headers.
    const head = await app.request('/runs', { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  });

  it('never answers API, webhook or probe paths with the page', async () => {
    const app = appWith(build());
    expect(await (await app.request('/api/v1/ping')).json()).toEqual({ ok: true });
    for (const path of ['/api/v1/nope', '/hooks/github/a/b/c', '/healthz', '/metrics']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found' } });
    }
  });

  it('says the UI is not built (503) instead of serving a broken page', async () => {
    for (const root of [undefined, mkdtempSync(join(tmpdir(), 'coflow-web-empty-'))]) {
      const res = await appWith(root).request('/runs');
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('web UI is not built');
    }
  });
});
