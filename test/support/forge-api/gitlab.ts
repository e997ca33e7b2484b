/**
 * GitLab's commit status API played on loopback: requests checked against
 * the schemas transcribed from GitLab's documentation (gitlab-schemas.ts),
 * `PRIVATE-TOKEN` checked, statuses kept with GitLab's rule that an open
 * status cannot move to the state it already has (400 "Cannot transition
 * status via :run from :running"); its own answers are checked too.
 */
import { Ajv } from 'ajv';
import { COMMIT_STATUS, LIST_COMMIT_STATUSES_QUERY, SET_COMMIT_STATUS_BODY } from './gitlab-schemas.ts';
import { schemaErrors, TokenForgeFake, type Answer, type Recorded } from './server.ts';

const ajv = new Ajv({ allErrors: true });
const setBody = ajv.compile(SET_COMMIT_STATUS_BODY);
const listQuery = ajv.compile(LIST_COMMIT_STATUSES_QUERY);
const status = ajv.compile(COMMIT_STATUS);

/** GitLab's state machine events, named as in its error message. */
const EVENTS: Record<string, string> = { pending: 'enqueue', running: 'run', success: 'succeed', failed: 'drop', canceled: 'cancel', skipped: 'skip' };

export interface GitLabStatus {
  readonly id: number;
  readonly sha: string;
  readonly project: string;
  readonly name: string;
  status: string;
  description: string | null;
  target_url: string | null;
}

export class FakeGitLab extends TokenForgeFake {
  readonly statuses: GitLabStatus[] = [];
  private nextId = 500;
  constructor(token: string) {
    super(token, '/api/v4');
  }

  private answer(s: GitLabStatus, problems: string[]): Record<string, unknown> {
    const now = new Date().toISOString();
    const body = {
      id: s.id,
      sha: s.sha,
      ref: 'main',
      status: s.status,
      name: s.name,
      target_url: s.target_url,
      description: s.description,
      created_at: now,
      started_at: now,
      finished_at: ['running', 'pending'].includes(s.status) ? null : now,
      allow_failure: false,
      coverage: null,
      author: { id: 1, username: 'coflow', name: 'coflow', state: 'active', avatar_url: 'https://gitlab.test/a.png', web_url: 'https://gitlab.test/coflow' },
    };
    if (!status(body)) problems.push(`the fake's own answer: ${schemaErrors(status)}`);
    return body;
  }

  protected handle(request: Recorded, problems: string[]): Answer {
    if (request.headers['private-token'] !== this.token) return { status: 401, body: { message: '401 Unauthorized' } };
    const list = /^\/api\/v4\/projects\/([^/]+)\/repository\/commits\/([0-9a-f]{40})\/statuses$/.exec(request.path);
    const set = /^\/api\/v4\/projects\/([^/]+)\/statuses\/([0-9a-f]{40})$/.exec(request.path);
    if (request.method === 'GET' && list !== null) {
      const query = Object.fromEntries(request.query);
      if (!listQuery(query)) problems.push(`list statuses: query: ${schemaErrors(listQuery)}`);
      const [project, sha] = [decodeURIComponent(list[1]!), list[2]!];
      const found = this.statuses.filter((s) => s.project === project && s.sha === sha && (query['name'] === undefined || s.name === query['name']));
      return { status: 200, body: found.map((s) => this.answer(s, problems)) };
    }
    if (request.method === 'POST' && set !== null) {
      if (!setBody(request.body)) {
        problems.push(`set status: body: ${schemaErrors(setBody)}`);
        return { status: 400, body: { message: schemaErrors(setBody) } };
      }
      const body = request.body as { state: string; name?: string; context?: string; description?: string; target_url?: string };
      const [project, sha, name] = [decodeURIComponent(set[1]!), set[2]!, body.name ?? body.context ?? 'default'];
      const latest = this.statuses.filter((s) => s.project === project && s.sha === sha && s.name === name).at(-1);
      if (latest !== undefined && ['pending', 'running'].includes(latest.status)) {
        if (latest.status === body.state) return { status: 400, body: { message: `Cannot transition status via :${EVENTS[body.state]} from :${latest.status}` } };
        Object.assign(latest, { status: body.state, description: body.description ?? latest.description, target_url: body.target_url ?? latest.target_url });
        return { status: 201, body: this.answer(latest, problems) };
      }
      const created: GitLabStatus = { id: this.nextId++, sha, project, name, status: body.state, description: body.description ?? null, target_url: body.target_url ?? null };
      this.statuses.push(created);
      return { status: 201, body: this.answer(created, problems) };
    }
    problems.push(`${request.method} ${request.path}: not an endpoint coflow's reporting calls`);
    return { status: 404, body: { message: '404 Not Found' } };
  }
}
