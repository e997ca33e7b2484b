/**
 * A recording reverse proxy on loopback: forwards every request to `target`
 * unchanged and keeps the request (method, path, headers, raw body), the
 * answer and when it arrived — so a test can see what a forge delivered and
 * re-send the very same request, byte for byte.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Exchange {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly status: number;
  readonly answer: Record<string, unknown>;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly exchanges: Exchange[];
  /** Sends a recorded request again, straight to the target; its status and answer. */
  replay(exchange: Exchange): Promise<{ status: number; answer: Record<string, unknown> }>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const send = async (method: string, path: string, headers: Record<string, string>, body: Buffer) => {
    const res = await fetch(`${target}${path}`, { method, headers, ...(method === 'GET' ? {} : { body }) });
    const text = await res.text();
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(text) as Record<string, unknown>;
    } catch {
      answer = { text };
    }
    return { status: res.status, answer };
  };
  const server: Server = createServer((req, res) => {
    const at = Date.now();
    void (async () => {
      const body = await readBody(req);
      const headers = Object.fromEntries(Object.entries(req.headers)
        .filter(([k, v]) => !HOP_BY_HOP.has(k) && typeof v === 'string') as [string, string][]);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const { status, answer } = await send(method, path, headers, body);
      exchanges.push({ at, method, path, headers, body, status, answer });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    })().catch((err: unknown) => {
      res.writeHead(502).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    replay: (e) => send(e.method, e.path, { ...e.headers }, e.body),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
