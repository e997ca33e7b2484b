/**
 * A real Gitea for the forge tests (scripts/gitea.sh): its admin user and
 * token, and what the tests do on it as a developer would — create a
 * repository and a webhook through its API, `git push` over HTTP, open a
 * pull request, read a commit's statuses. The token never appears in a
 * command line or a URL: git gets it through GIT_CONFIG_* environment
 * variables as an Authorization header.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

/** What the forge project's setup provides: the server and its admin's API token. */
export interface GiteaServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly user: string;
  readonly token: string;
}

export const GITEA_ADMIN = 'coflow-admin';
const script = join(repoRoot, 'scripts/gitea.sh');

/** `scripts/gitea.sh CMD PORT ARGS…`, its output. */
export function giteaScript(cmd: string, port: string, ...args: string[]): string {
  return execFileSync('bash', [script, cmd, port, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Creates the admin user and an API token with every scope (the server starts empty). */
export function createAdmin(url: string, port: string): GiteaServer {
  const password = `pw-${Math.random().toString(36).slice(2)}-A1`;
  execFileSync('bash', [script, 'admin', port, 'user', 'create', '--admin', '--username', GITEA_ADMIN, '--password', password,
    '--email', 'admin@coflow.invalid', '--must-change-password=false'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const token = execFileSync('bash', [script, 'admin', port, 'user', 'generate-access-token', '--username', GITEA_ADMIN,
    '--token-name', 'coflow-tests', '--scopes', 'all', '--raw'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1) ?? '';
  if (!/^[0-9a-f]{40}$/.test(token)) throw new Error('gitea admin user generate-access-token did not print a token');
  return { url, user: GITEA_ADMIN, token };
}

export interface CommitStatus {
  readonly context: string;
  readonly status: string;
  readonly description: string;
  readonly target_url: string;
}

/** Gitea's REST API as the admin, plus git over HTTP. */
export class GiteaClient {
  readonly server: GiteaServer;

  constructor(server: GiteaServer) {
    this.server = server;
  }

  /** `METHOD /api/v1<path>`; throws with Gitea's answer on an unexpected status. */
  async api<T>(method: string, path: string, body?: unknown, expect = [200, 201, 204]): Promise<T> {
    const res = await fetch(`${this.server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `token ${this.server.token}`, 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`gitea ${method} ${path}: ${res.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A repository of the admin with a first commit on `main`. */
  async createRepo(name: string): Promise<void> {
    await this.api('POST', '/user/repos', { name, auto_init: true, default_branch: 'main', readme: 'Default' });
  }

  /** A Gitea-type webhook on push and pull request events, signed with `secret`; its id. */
  async addWebhook(repo: string, url: string, secret: string): Promise<number> {
    const hook = await this.api<{ id: number }>('POST', `/repos/${this.server.user}/${repo}/hooks`, {
      type: 'gitea', active: true, events: ['push', 'pull_request'], branch_filter: '*',
      config: { url, content_type: 'json', secret },
    });
    return hook.id;
  }

  /** Gitea's "Test delivery": a push of the default branch's head with before == after. */
  async testWebhook(repo: string, hookId: number): Promise<void> {
    await this.api('POST', `/repos/${this.server.user}/${repo}/hooks/${hookId}/tests`);
  }

  async openPullRequest(repo: string, head: string, title: string): Promise<{ number: number; head: { sha: string } }> {
    return this.api('POST', `/repos/${this.server.user}/${repo}/pulls`, { head, base: 'main', title });
  }

  /** The commit's statuses in the order they were posted (Gitea names index-ascending "highestindex"); every one, not just the latest per context. */
  async statuses(repo: string, sha: string): Promise<CommitStatus[]> {
    return this.api('GET', `/repos/${this.server.user}/${repo}/statuses/${sha}?sort=highestindex&limit=50`);
  }

  /** A clone of `repo` in a fresh folder, to commit in and push from. */
  clone(repo: string): GitWorkTree {
    return new GitWorkTree(this.server, repo);
  }
}

/** A working copy that commits files and pushes them over HTTP with the admin's token. */
export class GitWorkTree {
  readonly dir = mkdtempSync(join(tmpdir(), 'coflow-gitea-wt-'));
  private readonly env: NodeJS.ProcessEnv;

  constructor(server: GiteaServer, repo: string) {
    const basic = Buffer.from(`${server.user}:${server.token}`).toString('base64');
    this.env = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
      GIT_CONFIG_KEY_1: 'user.name', GIT_CONFIG_VALUE_1: 'Coflow Tester',
      GIT_CONFIG_KEY_2: 'user.email', GIT_CONFIG_VALUE_2: 'tester@coflow.invalid',
    };
    this.git('clone', '-q', `${server.url}/${server.user}/${repo}.git`, '.');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  /** Writes a file, commits it on the current branch; the commit id. */
  commit(file: string, content: string, message: string): string {
    writeFileSync(join(this.dir, file), content);
    this.git('add', file);
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  push(branch: string): void {
    this.git('push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
