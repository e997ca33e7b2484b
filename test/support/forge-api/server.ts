/**
 * A forge's REST API played on loopback for the reporting clients' tests:
 * records every request, lets a test script the next answers (a 503, a 401),
 * and leaves the rest to the forge's handler (github.ts, gitlab.ts, gitea.ts).
 * What a handler finds wrong in a request is collected in `problems`: a test
 * ends by asserting there are none.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ValidateFunction } from 'ajv';

export interface Recorded {
  readonly method: string;
  /** Raw (still percent-encoded) path. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (request: Recorded, problems: string[]) => Answer;

interface Scripted {
  readonly method: string;
  readonly path: RegExp;
  readonly answer: Answer;
  left: number;
}

export class FakeForgeServer {
  readonly requests: Recorded[] = [];
  readonly problems: string[] = [];
  private readonly scripted: Scripted[] = [];
  private server: Server | undefined;
  private base = '';

  private readonly handler: Handler;
  constructor(handler: Handler) {
    this.handler = handler;
  }

  get url(): string {
    return this.base;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://forge.test');
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        if (text !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            this.problems.push(`${req.method} ${url.pathname}: body is not JSON`);
          }
        }
        const request: Recorded = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        this.requests.push(request);
        const script = this.scripted.find((s) => s.left > 0 && s.method === request.method && s.path.test(request.path));
        let answer: Answer;
        if (script !== undefined) {
          script.left--;
          answer = script.answer;
        } else {
          answer = this.handler(request, this.problems);
        }
        res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `times` requests matching `method` and `path` get `answer` instead of the forge's own. */
  script(method: string, path: RegExp, answer: Answer, times = 1): void {
    this.scripted.push({ method, path, answer, left: times });
  }

  /** The requests whose method and path match. */
  sent(method: string, path: RegExp): Recorded[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What a JSON-schema check found wrong, on one line (`/path message; …`). */
export function schemaErrors(fn: ValidateFunction): string {
  return (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}

/** A forge fake that checks one token: the server, its start, and the API's base URL under `apiPath`. */
export abstract class TokenForgeFake {
  readonly server: FakeForgeServer;
  protected readonly token: string;
  private readonly apiPath: string;

  constructor(token: string, apiPath: string) {
    this.token = token;
    this.apiPath = apiPath;
    this.server = new FakeForgeServer((request, problems) => this.handle(request, problems));
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  get apiUrl(): string {
    return `${this.server.url}${this.apiPath}`;
  }

  protected abstract handle(request: Recorded, problems: string[]): Answer;
}
