/**
 * GitHub's REST API as far as coflow's reporting uses it, played on loopback:
 * every request is checked against GitHub's OpenAPI description (openapi.ts)
 * and the headers GitHub asks for; tokens are checked (a personal token, or
 * installation tokens it issued to a correctly signed App JWT); commit
 * statuses and check runs are kept and answered with the description's own
 * examples, filled with what was stored.
 */
import { createVerify, type KeyObject } from 'node:crypto';
import { githubDescription, type OpenApiDescription } from './openapi.ts';
import { FakeForgeServer, type Answer, type Recorded } from './server.ts';

type Json = Record<string, unknown>;

export interface FakeGitHubOptions {
  /** `ghes-3.19` serves under `/api/v3` like GitHub Enterprise Server. */
  readonly description?: 'api.github.com' | 'ghes-3.19';
  /** Personal access tokens accepted as `Bearer`. */
  readonly tokens?: readonly string[];
  /** A GitHub App: its id, public key, and the installation on every repository. */
  readonly app?: { readonly id: string; readonly publicKey: KeyObject; readonly installationId: number; readonly tokenLifetimeMs?: number };
  /** The forge's clock (tests move it). */
  readonly now?: () => number;
}

interface Status {
  readonly id: number;
  readonly sha: string;
  readonly context: string;
  readonly state: string;
  readonly description: string | null;
  readonly target_url: string | null;
}

export interface CheckRun {
  readonly id: number;
  readonly head_sha: string;
  name: string;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  details_url: string | null;
  output: Json | undefined;
}

const unauthorized: Answer = { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };

export class FakeGitHub {
  readonly server: FakeForgeServer;
  readonly statuses: Status[] = [];
  readonly checkRuns: CheckRun[] = [];
  /** Installation tokens issued, with their expiry. */
  readonly issued = new Map<string, number>();
  private readonly spec: OpenApiDescription;
  private readonly now: () => number;
  private nextId = 1000;

  private readonly options: FakeGitHubOptions;
  constructor(options: FakeGitHubOptions = {}) {
    this.options = options;
    this.spec = githubDescription(options.description ?? 'api.github.com');
    this.now = options.now ?? Date.now;
    this.server = new FakeForgeServer((request, problems) => this.handle(request, problems));
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  /** The API base URL a report target names. */
  get apiUrl(): string {
    return `${this.server.url}${this.spec.prefix}`;
  }

  /** The latest status of each context on `sha`, newest first (what GitHub's combined status shows). */
  latest(sha: string): Status[] {
    const seen = new Set<string>();
    return [...this.statuses].reverse().filter((s) => s.sha === sha && !seen.has(s.context.toLowerCase()) && seen.add(s.context.toLowerCase()));
  }

  private verifyJwt(jwt: string): boolean {
    const app = this.options.app;
    const [header, payload, signature] = jwt.split('.');
    if (app === undefined || header === undefined || payload === undefined || signature === undefined) return false;
    const ok = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(app.publicKey, Buffer.from(signature, 'base64url'));
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; iat?: number; exp?: number };
    const now = Math.floor(this.now() / 1000);
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    return ok && alg === 'RS256' && String(claims.iss) === app.id && (claims.iat ?? Infinity) <= now && (claims.exp ?? 0) > now && (claims.exp ?? 0) - (claims.iat ?? 0) <= 600;
  }

  private handle(request: Recorded, problems: string[]): Answer {
    const operation = this.spec.find(request.method, request.path);
    if (operation === undefined) {
      problems.push(`${request.method} ${request.path}: no such operation in GitHub's description`);
      return { status: 404, body: { message: 'Not Found' } };
    }
    problems.push(...this.spec.check(operation, request.query, request.body));
    const h = request.headers;
    if (h['accept'] !== 'application/vnd.github+json') problems.push(`${operation.operationId}: Accept ${String(h['accept'])}`);
    if (h['x-github-api-version'] !== '2022-11-28') problems.push(`${operation.operationId}: X-GitHub-Api-Version ${String(h['x-github-api-version'])}`);
    if (!h['user-agent']) problems.push(`${operation.operationId}: no User-Agent`);
    const bearer = /^Bearer (.+)$/.exec(h['authorization'] ?? '')?.[1] ?? '';
    const asApp = operation.operationId.startsWith('apps/');
    const authorized = asApp ? this.verifyJwt(bearer) : (this.options.tokens ?? []).includes(bearer) || (this.issued.get(bearer) ?? 0) > this.now();
    if (!authorized) return unauthorized;
    const parts = request.path.slice(this.spec.prefix.length).split('/').map(decodeURIComponent);
    const body = (request.body ?? {}) as Json;
    const example = (status: string): Json => this.spec.example(operation, status) as Json;
    switch (operation.operationId) {
      case 'apps/get-repo-installation':
        return { status: 200, body: { ...example('200'), id: this.options.app!.installationId } };
      case 'apps/create-installation-access-token': {
        if (Number(parts[3]) !== this.options.app!.installationId) return { status: 404, body: { message: 'Not Found' } };
        const token = `ghs_fake${this.nextId++}`;
        const expires = this.now() + (this.options.app!.tokenLifetimeMs ?? 3_600_000);
        this.issued.set(token, expires);
        return { status: 201, body: { ...example('201'), token, expires_at: new Date(expires).toISOString() } };
      }
      case 'repos/get-combined-status-for-ref': {
        const perPage = Number(request.query.get('per_page') ?? 30);
        const page = Number(request.query.get('page') ?? 1);
        const base = example('200');
        const one = (base['statuses'] as Json[])[0]!;
        const all = this.latest(parts[5]!).map((s) => ({ ...one, id: s.id, state: s.state, context: s.context, description: s.description, target_url: s.target_url }));
        return { status: 200, body: { ...base, sha: parts[5], total_count: all.length, statuses: all.slice((page - 1) * perPage, page * perPage) } };
      }
      case 'repos/create-commit-status': {
        const status: Status = { id: this.nextId++, sha: parts[5]!, context: typeof body['context'] === 'string' ? body['context'] : 'default', state: String(body['state']), description: (body['description'] as string | null | undefined) ?? null, target_url: (body['target_url'] as string | null | undefined) ?? null };
        this.statuses.push(status);
        return { status: 201, body: { ...example('201'), ...status } };
      }
      case 'checks/list-for-ref':
      case 'checks/create':
      case 'checks/update':
        return this.checks(operation.operationId, request, parts, body, example);
      default:
        problems.push(`${operation.operationId}: not an operation coflow's reporting should call`);
        return { status: 404, body: { message: 'Not Found' } };
    }
  }

  /** The check run operations (an App's). */
  private checks(operationId: string, request: Recorded, parts: string[], body: Json, example: (status: string) => Json): Answer {
    const text = (key: string): string | null => (typeof body[key] === 'string' ? body[key] : null);
    switch (operationId) {
      case 'checks/list-for-ref': {
        const one = (example('200')['check_runs'] as Json[])[0]!;
        const name = request.query.get('check_name');
        const runs = this.checkRuns.filter((r) => r.head_sha === parts[5] && (name === null || r.name === name)).map((r) => ({ ...one, ...r }));
        return { status: 200, body: { total_count: runs.length, check_runs: runs } };
      }
      case 'checks/create': {
        const conclusion = text('conclusion');
        const run: CheckRun = {
          id: this.nextId++,
          head_sha: String(body['head_sha']),
          name: String(body['name']),
          external_id: text('external_id'),
          status: conclusion !== null ? 'completed' : (text('status') ?? 'queued'),
          conclusion,
          details_url: text('details_url'),
          output: body['output'] as Json | undefined,
        };
        this.checkRuns.push(run);
        return { status: 201, body: { ...example('201'), ...run } };
      }
      default: {
        const run = this.checkRuns.find((r) => r.id === Number(parts[5]));
        if (run === undefined) return { status: 404, body: { message: 'Not Found' } };
        run.status = text('status') ?? run.status;
        const conclusion = text('conclusion');
        if (conclusion !== null) [run.conclusion, run.status] = [conclusion, 'completed'];
        run.details_url = text('details_url') ?? run.details_url;
        if (body['output'] !== undefined) run.output = body['output'] as Json;
        return { status: 200, body: { ...example('200'), ...run } };
      }
    }
  }
}
