/**
 * Webhook deliveries shaped like the real ones (trimmed to the fields a forge
 * always sends and coflow reads, plus some noise), signed the way each forge signs.
 */
import { createHmac, randomUUID } from 'node:crypto';

const hmac = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('hex');

export interface Delivery {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';

export function githubPush(opts: { secret: string; uri: string; ref?: string; deliveryId?: string; files?: string[]; message?: string }): Delivery {
  const message = opts.message ?? 'Fix the cart total';
  const body = JSON.stringify({
    ref: opts.ref ?? 'refs/heads/main',
    before: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    after: SHA,
    created: false, deleted: false, forced: false,
    compare: 'https://github.com/acme/shop/compare/0d1a26e67d8f...9fceb02d0ae5',
    commits: [{ id: SHA, message, timestamp: '2026-11-21T10:00:00+01:00', author: { name: 'Alice', email: 'alice@example.com', username: 'alice' }, added: [], removed: [], modified: opts.files ?? ['src/cart.go'] }],
    head_commit: { id: SHA, message, timestamp: '2026-11-21T10:00:00Z', author: { name: 'Alice', email: 'alice@example.com', username: 'alice' } },
    repository: { id: 1296269, name: 'shop', full_name: 'acme/shop', private: false, html_url: 'https://github.com/acme/shop', clone_url: 'https://github.com/acme/shop.git', ssh_url: 'git@github.com:acme/shop.git', default_branch: 'main' },
    pusher: { name: 'alice', email: 'alice@example.com' },
    sender: { login: 'alice', id: 1, type: 'User' },
  });
  return {
    path: `/hooks/github/${opts.uri}`,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/5a4e8b0',
      'x-github-event': 'push',
      'x-github-delivery': opts.deliveryId ?? randomUUID(),
      'x-github-hook-id': '292430182',
      'x-hub-signature': `sha1=${createHmac('sha1', opts.secret).update(body).digest('hex')}`,
      'x-hub-signature-256': `sha256=${hmac(opts.secret, body)}`,
    },
    body,
  };
}

const GITHUB_SHOP = { id: 1296269, name: 'shop', full_name: 'acme/shop', owner: { login: 'acme' }, html_url: 'https://github.com/acme/shop', clone_url: 'https://github.com/acme/shop.git', ssh_url: 'git@github.com:acme/shop.git', fork: false };
const GITHUB_FORK = { id: 7771001, name: 'shop', full_name: 'mallory/shop', owner: { login: 'mallory' }, html_url: 'https://github.com/mallory/shop', clone_url: 'https://github.com/mallory/shop.git', ssh_url: 'git@github.com:mallory/shop.git', fork: true };

/**
 * A GitHub pull request: from a branch of acme/shop, or (`fork`) from mallory/shop,
 * or (`fork: 'deleted'`) from a fork deleted since (GitHub sends `head.repo: null`).
 */
export function githubPullRequest(opts: { secret: string; uri: string; action?: string; base?: string; fork?: boolean | 'deleted'; title?: string }): Delivery {
  const headRepo = opts.fork === 'deleted' ? null : opts.fork ? GITHUB_FORK : GITHUB_SHOP;
  const body = JSON.stringify({
    action: opts.action ?? 'opened',
    number: 42,
    pull_request: {
      number: 42, state: 'open', title: opts.title ?? 'Add the wishlist', html_url: 'https://github.com/acme/shop/pull/42', user: { login: 'bob' },
      head: { label: `${opts.fork ? 'mallory' : 'acme'}:feature/wishlist`, ref: 'feature/wishlist', sha: SHA, repo: headRepo },
      base: { label: `acme:${opts.base ?? 'main'}`, ref: opts.base ?? 'main', sha: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', repo: GITHUB_SHOP },
    },
    repository: GITHUB_SHOP,
    sender: { login: 'bob' },
  });
  return {
    path: `/hooks/github/${opts.uri}`,
    headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${hmac(opts.secret, body)}` },
    body,
  };
}

export function githubPing(opts: { secret: string; uri: string }): Delivery {
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 292430182, hook: { type: 'Repository', events: ['push'] }, repository: { full_name: 'acme/shop' }, sender: { login: 'alice' } });
  return { path: `/hooks/github/${opts.uri}`, headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${hmac(opts.secret, body)}` }, body };
}

/** A pushed commit as GitLab lists it: its sha and its time (ISO 8601). */
export interface PushedCommit {
  readonly id: string;
  readonly timestamp: string;
}

/** A GitLab tag push; `commits` (oldest first) replaces the one fixed commit, the tag then points at the last. */
export function gitlabTagPush(opts: { secret: string; uri: string; tag: string; commits?: readonly PushedCommit[] }): Delivery {
  const release = opts.tag.replace(/^v/, '');
  const commits = (opts.commits ?? [{ id: SHA, timestamp: '2026-11-21T10:00:00+01:00' }]).map((c) => ({
    id: c.id, message: `Release ${release}\n`, title: `Release ${release}`, timestamp: c.timestamp, author: { name: 'Carol', email: 'carol@example.com' }, added: [], modified: ['VERSION'], removed: [],
  }));
  const head = commits.at(-1)?.id ?? SHA;
  const body = JSON.stringify({
    object_kind: 'tag_push', event_name: 'tag_push',
    before: '0000000000000000000000000000000000000000', after: head, ref: `refs/tags/${opts.tag}`, ref_protected: true, checkout_sha: head,
    user_id: 1, user_name: 'Carol', user_username: 'carol', user_email: '', project_id: 15,
    project: { id: 15, name: 'shop', web_url: 'https://gitlab.example.com/acme/shop', git_ssh_url: 'git@gitlab.example.com:acme/shop.git', git_http_url: 'https://gitlab.example.com/acme/shop.git', namespace: 'acme', path_with_namespace: 'acme/shop', default_branch: 'main' },
    commits,
    total_commits_count: commits.length,
    repository: { name: 'shop', url: 'git@gitlab.example.com:acme/shop.git', homepage: 'https://gitlab.example.com/acme/shop' },
  });
  const uuid = randomUUID();
  return {
    path: `/hooks/gitlab/${opts.uri}`,
    headers: { 'content-type': 'application/json', 'user-agent': 'GitLab/17.5.0', 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-token': opts.secret, 'x-gitlab-event-uuid': uuid, 'idempotency-key': uuid, 'x-gitlab-instance': 'https://gitlab.example.com' },
    body,
  };
}

/** A GitLab merge request into acme/shop (project 15): from one of its branches, or (`fork`) from mallory/shop (project 99). */
export function gitlabMergeRequest(opts: { secret: string; uri: string; target?: string; fork?: boolean; title?: string }): Delivery {
  const source = opts.fork
    ? { id: 99, path_with_namespace: 'mallory/shop', web_url: 'https://gitlab.example.com/mallory/shop', git_http_url: 'https://gitlab.example.com/mallory/shop.git' }
    : { id: 15, path_with_namespace: 'acme/shop', web_url: 'https://gitlab.example.com/acme/shop', git_http_url: 'https://gitlab.example.com/acme/shop.git' };
  const body = JSON.stringify({
    object_kind: 'merge_request', event_type: 'merge_request',
    user: { id: 1, name: 'Dan', username: 'dan' },
    project: { id: 15, path_with_namespace: 'acme/shop', web_url: 'https://gitlab.example.com/acme/shop', git_http_url: 'https://gitlab.example.com/acme/shop.git', git_ssh_url: 'git@gitlab.example.com:acme/shop.git' },
    object_attributes: {
      iid: 7, title: opts.title ?? 'Faster checkout', action: 'open', state: 'opened', source_branch: 'perf/checkout', target_branch: opts.target ?? 'main',
      source_project_id: source.id, target_project_id: 15, source, target: { id: 15, path_with_namespace: 'acme/shop' },
      url: 'https://gitlab.example.com/acme/shop/-/merge_requests/7', last_commit: { id: SHA, message: 'Faster checkout', author: { name: 'Dan', email: 'dan@example.com' } },
    },
  });
  const uuid = randomUUID();
  return { path: `/hooks/gitlab/${opts.uri}`, headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': opts.secret, 'x-gitlab-event-uuid': uuid, 'idempotency-key': uuid }, body };
}

export function giteaPush(opts: { secret: string; uri: string; ref?: string; message?: string }): Delivery {
  const message = opts.message ?? 'Tidy up\n';
  const body = JSON.stringify({
    ref: opts.ref ?? 'refs/heads/develop', before: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', after: SHA, compare_url: 'https://gitea.example.com/acme/shop/compare/0d1a26e...9fceb02',
    commits: [{ id: SHA, message, url: 'https://gitea.example.com/acme/shop/commit/9fceb02', author: { name: 'Erin', email: 'erin@example.com', username: 'erin' }, added: ['docs/notes.md'], removed: [], modified: [] }],
    head_commit: { id: SHA, message, author: { name: 'Erin', email: 'erin@example.com', username: 'erin' } },
    repository: { id: 3, owner: { login: 'acme' }, name: 'shop', full_name: 'acme/shop', html_url: 'https://gitea.example.com/acme/shop', clone_url: 'https://gitea.example.com/acme/shop.git', ssh_url: 'git@gitea.example.com:acme/shop.git' },
    pusher: { login: 'erin', username: 'erin' },
    sender: { login: 'erin', username: 'erin' },
  });
  const id = randomUUID();
  return {
    path: `/hooks/gitea/${opts.uri}`,
    headers: { 'content-type': 'application/json', 'x-gitea-event': 'push', 'x-gitea-event-type': 'push', 'x-gitea-delivery': id, 'x-gitea-signature': hmac(opts.secret, body), 'x-github-event': 'push', 'x-github-delivery': id },
    body,
  };
}

const giteaRepo = (id: number, owner: string, fork: boolean) => ({
  id, owner: { login: owner }, name: 'shop', full_name: `${owner}/shop`, fork,
  html_url: `https://gitea.example.com/${owner}/shop`, clone_url: `https://gitea.example.com/${owner}/shop.git`, ssh_url: `git@gitea.example.com:${owner}/shop.git`,
});

/** A Gitea pull request into acme/shop (repository 3): from one of its branches, or (`fork`) from mallory/shop (repository 8). */
export function giteaPullRequest(opts: { secret: string; uri: string; fork?: boolean; title?: string }): Delivery {
  const base = giteaRepo(3, 'acme', false);
  const head = opts.fork ? giteaRepo(8, 'mallory', true) : base;
  const body = JSON.stringify({
    action: 'opened', number: 5,
    pull_request: {
      id: 21, number: 5, user: { login: 'erin', username: 'erin' }, title: opts.title ?? 'Tidy the docs', state: 'open', html_url: 'https://gitea.example.com/acme/shop/pulls/5',
      base: { label: 'develop', ref: 'develop', sha: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', repo_id: base.id, repo: base },
      head: { label: 'docs/tidy', ref: 'docs/tidy', sha: SHA, repo_id: head.id, repo: head },
    },
    repository: base,
    sender: { login: 'erin', username: 'erin' },
  });
  const id = randomUUID();
  return {
    path: `/hooks/gitea/${opts.uri}`,
    headers: { 'content-type': 'application/json', 'x-gitea-event': 'pull_request', 'x-gitea-event-type': 'pull_request', 'x-gitea-delivery': id, 'x-gitea-signature': hmac(opts.secret, body), 'x-github-event': 'pull_request', 'x-github-delivery': id },
    body,
  };
}

export function genericHook(opts: { secret: string; uri: string; body: string; event?: string; deliveryId?: string }): Delivery {
  return {
    path: `/hooks/generic/${opts.uri}`,
    headers: {
      'content-type': 'application/json',
      'x-coflow-signature': `sha256=${hmac(opts.secret, opts.body)}`,
      ...(opts.event ? { 'x-coflow-event': opts.event } : {}),
      ...(opts.deliveryId ? { 'x-coflow-delivery': opts.deliveryId } : {}),
    },
    body: opts.body,
  };
}

/** Posts a delivery to the API. */
export async function deliver(apiUrl: string, d: Delivery): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(apiUrl + d.path, { method: 'POST', headers: d.headers, body: d.body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
