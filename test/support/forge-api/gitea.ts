/**
 * Gitea's commit status API played on loopback, for the fast tests of the
 * client's request shapes (the end-to-end tests use a real Gitea). The
 * schemas are transcribed from Gitea's API description (its swagger,
 * `CreateStatusOption` and `CommitStatus`, `GET …/commits/{ref}/status`);
 * like Gitea it trims the context, description and target URL it stores.
 */
import { Ajv } from 'ajv';
import { schemaErrors, TokenForgeFake, type Answer, type Recorded } from './server.ts';

const CREATE_STATUS_OPTION = {
  type: 'object',
  additionalProperties: false,
  properties: {
    context: { type: 'string' },
    description: { type: 'string' },
    state: { enum: ['pending', 'success', 'error', 'failure', 'warning'] },
    target_url: { type: 'string' },
  },
} as const;
const COMBINED_QUERY = { type: 'object', additionalProperties: false, properties: { page: { type: 'string', pattern: '^[0-9]+$' }, limit: { type: 'string', pattern: '^[0-9]+$' } } } as const;

const ajv = new Ajv({ allErrors: true });
const createStatus = ajv.compile(CREATE_STATUS_OPTION);
const combinedQuery = ajv.compile(COMBINED_QUERY);

interface GiteaStatus {
  readonly id: number;
  readonly repo: string;
  readonly sha: string;
  readonly context: string;
  readonly status: string;
  readonly description: string;
  readonly target_url: string;
}

export class FakeGitea extends TokenForgeFake {
  readonly statuses: GiteaStatus[] = [];
  private nextId = 1;
  constructor(token: string) {
    super(token, '/api/v1');
  }

  protected handle(request: Recorded, problems: string[]): Answer {
    if (request.headers['authorization'] !== `token ${this.token}`) return { status: 401, body: { message: 'token is required', url: 'https://gitea.test/api/swagger' } };
    const combined = /^\/api\/v1\/repos\/([^/]+\/[^/]+)\/commits\/([0-9a-f]{40})\/status$/.exec(request.path);
    const create = /^\/api\/v1\/repos\/([^/]+\/[^/]+)\/statuses\/([0-9a-f]{40})$/.exec(request.path);
    const wire = (s: GiteaStatus): object => ({ id: s.id, status: s.status, target_url: s.target_url, description: s.description, url: '', context: s.context, creator: null, created_at: '', updated_at: '' });
    if (request.method === 'GET' && combined !== null) {
      if (!combinedQuery(Object.fromEntries(request.query))) problems.push(`combined status: query: ${schemaErrors(combinedQuery)}`);
      const seen = new Set<string>();
      const latest = [...this.statuses].reverse().filter((s) => s.repo === combined[1] && s.sha === combined[2] && !seen.has(s.context) && seen.add(s.context));
      const limit = Number(request.query.get('limit') ?? 30);
      const page = Number(request.query.get('page') ?? 1);
      return { status: 200, body: { state: latest[0]?.status ?? '', sha: combined[2], total_count: latest.length, statuses: latest.slice((page - 1) * limit, page * limit).map(wire) } };
    }
    if (request.method === 'POST' && create !== null) {
      if (!createStatus(request.body)) {
        problems.push(`create status: body: ${schemaErrors(createStatus)}`);
        return { status: 422, body: { message: schemaErrors(createStatus) } };
      }
      const body = request.body as { context?: string; description?: string; state?: string; target_url?: string };
      const status: GiteaStatus = { id: this.nextId++, repo: create[1]!, sha: create[2]!, context: (body.context ?? 'default').trim(), status: body.state ?? '', description: (body.description ?? '').trim(), target_url: (body.target_url ?? '').trim() };
      this.statuses.push(status);
      return { status: 201, body: wire(status) };
    }
    problems.push(`${request.method} ${request.path}: not an endpoint coflow's reporting calls`);
    return { status: 404, body: { message: 'not found' } };
  }
}
