/**
 * Serves the built web UI at `/`: hashed assets under `/assets/` (cached for
 * a year, gzipped once at start), and the page itself for every other path
 * a browser may open (`/runs/…`, `/flows/…`), so links and reloads work.
 * Paths of the API, the webhooks and the probes are never answered here.
 * Without a build the UI answers 503 saying so, never a broken page.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { ApiApp } from './context.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};
const NOT_UI = /^\/(api|hooks)(\/|$)|^\/(healthz|readyz|metrics)$/;

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
}

function loadAssets(webRoot: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const add = (file: string, urlPath: string) => {
    const body = readFileSync(file);
    assets.set(urlPath, { type: TYPES[extname(file)] ?? 'application/octet-stream', body, gzip: gzipSync(body, { level: 9 }) });
  };
  add(join(webRoot, 'index.html'), '/');
  const dir = join(webRoot, 'assets');
  if (existsSync(dir)) for (const name of readdirSync(dir)) add(join(dir, name), `/assets/${name}`);
  return assets;
}

function send(c: Context, asset: Asset, cache: string): Response {
  const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  const headers: Record<string, string> = { 'content-type': asset.type, 'cache-control': cache, vary: 'accept-encoding' };
  if (gzip) headers['content-encoding'] = 'gzip';
  return c.body(new Uint8Array(gzip ? asset.gzip : asset.body), 200, headers);
}

/** Registers the UI's routes (after the API's). `webRoot` is a finished build's folder, or undefined when there is none. */
export function registerWebUi(app: ApiApp, webRoot: string | undefined): void {
  const assets = webRoot !== undefined && existsSync(join(webRoot, 'index.html')) ? loadAssets(webRoot) : undefined;
  app.get('*', (c) => {
    const path = c.req.path;
    if (NOT_UI.test(path)) return c.notFound(); // app.get answers GET and HEAD only
    if (!assets) {
      return c.html('<!doctype html><title>coflow</title><p>The coflow web UI is not built on this server: run <code>scripts/setup.sh</code> '
        + '(or <code>node web/build.ts</code>), or set <code>COFLOW_WEB_DIR</code> to a built UI. The API is at <a href="/api/v1/openapi.json">/api/v1</a>.</p>', 503);
    }
    if (path.startsWith('/assets/')) {
      const asset = assets.get(path);
      return asset ? send(c, asset, 'public, max-age=31536000, immutable') : c.notFound();
    }
    return send(c, assets.get('/')!, 'no-cache');
  });
}
