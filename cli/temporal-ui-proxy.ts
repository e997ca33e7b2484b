/**
 * The Temporal UI that `coflow dev` prints, when payloads are encrypted.
 *
 * The UI embedded in `temporal server start-dev` takes a codec endpoint
 * (`--ui-codec-endpoint`) but always answers `Codec.IncludeCredentials:
 * false` in its settings, so the browser calls the endpoint without
 * coflow's session cookie and, with tokens configured, is refused. `coflow
 * dev` therefore runs that UI on an internal loopback port and serves the
 * printed port through this small reverse proxy: every request and answer
 * streams through unchanged, except the UI's settings (`GET
 * /api/v1/settings`), where the codec endpoint is set to coflow's and
 * `IncludeCredentials` to true. A person signed in to coflow's web UI in
 * the same browser (same host name) then sees decoded payloads.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { PortInUseError } from './errors.ts';

export const SETTINGS_PATH = '/api/v1/settings';

/** What the settings answer sets: the codec endpoint, and the banner the UI shows when decoding fails. */
export interface UiCodecSettings {
  readonly endpoint: string;
  readonly errorMessage: string;
  readonly errorLink: string;
}

/** The settings answer of the Temporal UI with coflow's codec endpoint, sent with the browser's credentials. */
export function rewriteUiSettings(body: string, codec: UiCodecSettings): string {
  const settings: unknown = JSON.parse(body);
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new Error('the Temporal UI settings are not a JSON object');
  const current = (settings as { Codec?: unknown }).Codec;
  const kept = typeof current === 'object' && current !== null && !Array.isArray(current) ? current : {};
  return JSON.stringify({
    ...settings,
    Codec: { ...kept, Endpoint: codec.endpoint, IncludeCredentials: true, DefaultErrorMessage: codec.errorMessage, DefaultErrorLink: codec.errorLink },
  });
}

/** The banner of a failed decode (the UI shows the link after the message): with tokens, most often a browser not signed in to coflow on this host name. */
export function codecSettingsFor(endpoint: string, signInNeeded: boolean): UiCodecSettings {
  const webUi = `${new URL(endpoint).origin}/`;
  return {
    endpoint,
    errorMessage: signInNeeded
      ? "coflow's codec did not decode the payloads: sign in to coflow's web UI in this browser (link), then reload this page"
      : "coflow's codec did not decode the payloads: is coflow dev still running (link)?",
    errorLink: webUi,
  };
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The codec endpoint for a page loaded from `host` (the request's Host
 * header). The session cookie is `SameSite=Strict` and bound to the host
 * name it was set on, so a page opened on `localhost` calls the API on
 * `localhost` too; the API's own address otherwise.
 */
export function codecEndpointFor(apiUrl: string, host: string | undefined): string {
  const api = new URL(apiUrl);
  const pageHost = host === undefined ? undefined : new URL(`http://${host}`).hostname;
  const apiOnLoopback = LOOPBACK_NAMES.has(api.hostname) || api.hostname === '0.0.0.0';
  if (pageHost !== undefined && apiOnLoopback && LOOPBACK_NAMES.has(pageHost)) api.hostname = pageHost;
  else if (api.hostname === '0.0.0.0') api.hostname = '127.0.0.1';
  return `${api.origin}/api/v1/codec`;
}

/** The origins of the printed Temporal UI, which the codec endpoint answers CORS for. */
export function temporalUiOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export interface UiProxyOptions {
  /** The printed Temporal UI port (COFLOW_TEMPORAL_UI_PORT), on 127.0.0.1. */
  readonly port: number;
  /** The internal port the embedded UI of the dev server listens on, on 127.0.0.1. */
  readonly targetPort: number;
  /** coflow's API (`http://host:port`): the codec endpoint is `<apiUrl>/api/v1/codec`. */
  readonly apiUrl: string;
  /** Tokens are configured: the codec needs the browser's session of coflow's web UI. */
  readonly signInNeeded: boolean;
}

export interface UiProxy {
  readonly url: string;
  close(): Promise<void>;
}

function unavailable(res: ServerResponse, err: Error): void {
  if (res.headersSent) { res.destroy(err); return; }
  res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`coflow: the Temporal UI is not answering (${err.message}); coflow dev starts the Temporal server again when it dies: reload in a moment\n`);
}

/** Answers the settings with coflow's codec; anything but a plain 200 JSON answer goes through unchanged. */
function answerSettings(up: IncomingMessage, res: ServerResponse, codec: UiCodecSettings): void {
  const chunks: Buffer[] = [];
  up.on('data', (c: Buffer) => chunks.push(c));
  up.on('error', (err) => unavailable(res, err));
  up.on('end', () => {
    const raw = Buffer.concat(chunks);
    let body: Buffer = raw;
    const headers = { ...up.headers };
    if (up.statusCode === 200 && headers['content-encoding'] === undefined) {
      try {
        body = Buffer.from(rewriteUiSettings(raw.toString('utf8'), codec));
      } catch (err) {
        unavailable(res, new Error(`its settings could not be read: ${(err as Error).message}`));
        return;
      }
    }
    delete headers['transfer-encoding'];
    headers['content-length'] = String(body.length);
    res.writeHead(up.statusCode ?? 502, headers);
    res.end(body);
  });
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createTcpServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A port free on 127.0.0.1 right now, for the embedded UI behind the proxy; never one of `avoid` (configured, not yet listening). */
export async function pickInternalPort(avoid: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = await freeLoopbackPort();
    if (!avoid.includes(port)) return port;
  }
}

/** Listens on 127.0.0.1:`port` and forwards to the embedded UI; a taken port is a PortInUseError naming COFLOW_TEMPORAL_UI_PORT. */
export async function startTemporalUiProxy(options: UiProxyOptions): Promise<UiProxy> {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const isSettings = req.method === 'GET' && new URL(req.url ?? '/', 'http://ui').pathname === SETTINGS_PATH;
    const headers = { ...req.headers };
    // The settings are rewritten: asked for uncompressed.
    if (isSettings) delete headers['accept-encoding'];
    const upstream = request({ host: '127.0.0.1', port: options.targetPort, method: req.method, path: req.url, headers, agent }, (up) => {
      if (isSettings) { answerSettings(up, res, codecSettingsFor(codecEndpointFor(options.apiUrl, req.headers.host), options.signInNeeded)); return; }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => unavailable(res, err));
    // A browser that goes away mid-answer: the upstream request goes too.
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(options.port, 'COFLOW_TEMPORAL_UI_PORT', 'the Temporal UI') : err);
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
