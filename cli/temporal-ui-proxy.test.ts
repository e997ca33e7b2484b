import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError } from './errors.ts';
import { codecEndpointFor, codecSettingsFor, pickInternalPort, rewriteUiSettings, startTemporalUiProxy, type UiProxy } from './temporal-ui-proxy.ts';

// What the embedded UI of `temporal server start-dev` (UI 2.42.1) answers, shortened.
const SETTINGS = JSON.stringify({
  Auth: { Enabled: false, Options: null },
  Codec: { Endpoint: '', PassAccessToken: false, IncludeCredentials: false, DefaultErrorMessage: '', DefaultErrorLink: '' },
  Version: '2.42.1',
});

/** GET with another Host header (fetch keeps its own). */
function getAs(host: string, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).once('error', reject);
  });
}

const CODEC = { endpoint: 'http://127.0.0.1:8080/api/v1/codec', errorMessage: 'sign in', errorLink: 'http://127.0.0.1:8080/' };

describe('rewriteUiSettings', () => {
  it("sets coflow's codec endpoint, the browser's credentials and the error banner, keeping every other setting", () => {
    expect(JSON.parse(rewriteUiSettings(SETTINGS, CODEC))).toEqual({
      Auth: { Enabled: false, Options: null },
      Codec: { Endpoint: CODEC.endpoint, PassAccessToken: false, IncludeCredentials: true, DefaultErrorMessage: 'sign in', DefaultErrorLink: CODEC.errorLink },
      Version: '2.42.1',
    });
  });

  it('adds the codec settings when the UI sent none, and refuses an answer that is not a JSON object', () => {
    expect(JSON.parse(rewriteUiSettings('{"Version":"x"}', CODEC))).toEqual({
      Version: 'x',
      Codec: { Endpoint: CODEC.endpoint, IncludeCredentials: true, DefaultErrorMessage: 'sign in', DefaultErrorLink: CODEC.errorLink },
    });
    expect(() => rewriteUiSettings('[1]', CODEC)).toThrow('the Temporal UI settings are not a JSON object');
    expect(() => rewriteUiSettings('<html>', CODEC)).toThrow(SyntaxError);
  });
});

describe('codecSettingsFor', () => {
  it("points a failed decode at coflow's web UI on the endpoint's host: sign in with tokens, is it running without", () => {
    expect(codecSettingsFor('http://localhost:8080/api/v1/codec', true)).toEqual({
      endpoint: 'http://localhost:8080/api/v1/codec',
      errorMessage: "coflow's codec did not decode the payloads: sign in to coflow's web UI in this browser (link), then reload this page",
      errorLink: 'http://localhost:8080/',
    });
    expect(codecSettingsFor('http://127.0.0.1:8080/api/v1/codec', false).errorMessage).toBe("coflow's codec did not decode the payloads: is coflow dev still running (link)?");
  });
});

describe('codecEndpointFor', () => {
  it("follows the page's loopback host name, so the session cookie set on it is sent", () => {
    expect(codecEndpointFor('http://127.0.0.1:8080', '127.0.0.1:8233')).toBe('http://127.0.0.1:8080/api/v1/codec');
    expect(codecEndpointFor('http://127.0.0.1:8080', 'localhost:8233')).toBe('http://localhost:8080/api/v1/codec');
    expect(codecEndpointFor('http://0.0.0.0:8080', undefined)).toBe('http://127.0.0.1:8080/api/v1/codec');
  });

  it("keeps an API bound to another address, whatever the page's host", () => {
    expect(codecEndpointFor('http://10.1.2.3:8080', 'localhost:8233')).toBe('http://10.1.2.3:8080/api/v1/codec');
    expect(codecEndpointFor('http://127.0.0.1:8080', 'ui.example:8233')).toBe('http://127.0.0.1:8080/api/v1/codec');
  });
});

describe('the Temporal UI proxy', () => {
  let upstream: Server;
  let proxy: UiProxy;
  let apiPort: number;

  beforeAll(async () => {
    // A stand-in for the embedded UI on loopback: settings, a compressed asset with a cookie, and an echo of the request.
    upstream = createServer((req, res) => {
      if (req.url === '/api/v1/settings') {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': '_csrf=abc; Path=/; SameSite=Strict', 'x-saw-encoding': req.headers['accept-encoding'] ?? 'none' });
        res.end(SETTINGS);
      } else if (req.url === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript', 'content-encoding': 'gzip', 'set-cookie': ['a=1', 'b=2'] });
        res.end(gzipSync('console.log(1)'));
      } else {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => { res.writeHead(201, { 'content-type': 'application/json' }); res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, body })); });
      }
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    apiPort = 18080;
    proxy = await startTemporalUiProxy({ port: 0, targetPort: (upstream.address() as AddressInfo).port, apiUrl: `http://127.0.0.1:${apiPort}`, signInNeeded: true });
  });

  afterAll(async () => {
    await proxy.close();
    upstream.close();
  });

  it('answers the settings with the codec endpoint for the host the page was loaded from', async () => {
    const local = await fetch(`${proxy.url}/api/v1/settings`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(local.status).toBe(200);
    expect(local.headers.get('x-saw-encoding')).toBe('none');
    expect(local.headers.get('set-cookie')).toBe('_csrf=abc; Path=/; SameSite=Strict');
    expect(await local.json()).toMatchObject({ Codec: { Endpoint: `http://127.0.0.1:${apiPort}/api/v1/codec`, IncludeCredentials: true }, Version: '2.42.1' });
    // The same UI opened as localhost: the endpoint (and so the session cookie's host) follows.
    const named = await getAs(`localhost:${new URL(proxy.url).port}`, `${proxy.url}/api/v1/settings`);
    expect(JSON.parse(named)).toMatchObject({ Codec: { Endpoint: `http://localhost:${apiPort}/api/v1/codec`, DefaultErrorLink: `http://localhost:${apiPort}/` } });
  });

  it('passes every other request and answer through unchanged (status, body, compressed bytes, cookies)', async () => {
    const posted = await fetch(`${proxy.url}/api/v1/namespaces?x=1`, { method: 'POST', body: 'hello' });
    expect(posted.status).toBe(201);
    expect(await posted.json()).toEqual({ method: 'POST', url: '/api/v1/namespaces?x=1', host: new URL(proxy.url).host, body: 'hello' });
    const asset = await fetch(`${proxy.url}/app.js`);
    expect(await asset.text()).toBe('console.log(1)');
    expect(asset.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('says the UI is not answering (502) while the server behind it is down', async () => {
    const down = await startTemporalUiProxy({ port: 0, targetPort: await pickInternalPort(), apiUrl: 'http://127.0.0.1:1', signInNeeded: false });
    try {
      const res = await fetch(`${down.url}/`);
      expect(res.status).toBe(502);
      expect(await res.text()).toMatch(/^coflow: the Temporal UI is not answering \(.*ECONNREFUSED.*\); coflow dev starts the Temporal server again when it dies/);
    } finally {
      await down.close();
    }
  });

  it('names COFLOW_TEMPORAL_UI_PORT when its port is taken', async () => {
    const taken = Number(new URL(proxy.url).port);
    const err = await startTemporalUiProxy({ port: taken, targetPort: 1, apiUrl: 'http://127.0.0.1:1', signInNeeded: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect((err as Error).message).toBe(`port ${taken} (the Temporal UI) is already in use by another program: stop it, or set COFLOW_TEMPORAL_UI_PORT to a free port`);
  });
});
