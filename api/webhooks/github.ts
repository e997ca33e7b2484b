/**
 * GitHub (and the same shapes from Gitea): push (branches and tags),
 * pull_request, release, ping. Signature `X-Hub-Signature-256`, delivery id
 * `X-GitHub-Delivery`, event `X-GitHub-Event`.
 */
import type { Forge, NormalisedEvent } from './forge.ts';
import { ignored } from './forge.ts';
import { at, changedFiles, compact, pushedCommits, int, isNullSha, splitRef, str, type Json } from './payload.ts';
import { verifyPrefixedHmac } from './signature.ts';

const PR_ACTIONS = ['opened', 'synchronize', 'synchronized', 'reopened'];

function repo(payload: Json) {
  const fullName = str(payload, 'repository', 'full_name');
  if (fullName === undefined) return undefined;
  return compact({
    fullName,
    url: str(payload, 'repository', 'html_url'),
    cloneUrl: str(payload, 'repository', 'clone_url'),
    sshUrl: str(payload, 'repository', 'ssh_url'),
  });
}

/**
 * Where a GitHub-shaped pull request comes from. A fork when its head
 * repository is another one than its base (by id when both have one, else by
 * `full_name`), or is gone (`head.repo: null`, a deleted fork), or cannot be
 * told: such a run gets no secrets unless the trigger opts in.
 */
export function pullRequestSource(payload: Json): { fromFork: boolean; sourceRepo?: string } {
  const headRepo = at(payload, 'pull_request', 'head', 'repo');
  const sourceRepo = str(headRepo, 'full_name');
  const baseRepo = at(payload, 'pull_request', 'base', 'repo') ?? at(payload, 'repository');
  const [headId, baseId] = [int(headRepo, 'id'), int(baseRepo, 'id')];
  const baseName = str(baseRepo, 'full_name');
  const same = headId !== undefined && baseId !== undefined
    ? headId === baseId
    : sourceRepo !== undefined && baseName !== undefined && sourceRepo.toLowerCase() === baseName.toLowerCase();
  return compact({ fromFork: !same, sourceRepo });
}

/** The head commit's message of a GitHub-shaped push: `head_commit`, else the last of `commits` (Gitea before 1.20 sends no head_commit). */
function headMessage(payload: Json): string | undefined {
  const commits = at(payload, 'commits');
  return str(payload, 'head_commit', 'message') ?? (Array.isArray(commits) ? str(commits[commits.length - 1], 'message') : undefined);
}

/** GitHub-shaped payloads; Gitea sends the same ones. */
export function normaliseGitHubShape(event: string, payload: Json): NormalisedEvent {
  const actor = str(payload, 'sender', 'login') ?? str(payload, 'pusher', 'name') ?? str(payload, 'pusher', 'login');
  const common = { actor, repo: repo(payload) };
  switch (event) {
    case 'ping':
      return ignored('ping', 'ping: the webhook is set up');
    case 'push': {
      const ref = str(payload, 'ref');
      const { branch, tag } = splitRef(ref);
      if (branch === undefined && tag === undefined) return ignored('push', `push to "${ref ?? '?'}", neither a branch nor a tag`);
      const after = str(payload, 'after');
      if (isNullSha(after) || payload !== null && typeof payload === 'object' && (payload as { deleted?: unknown }).deleted === true) {
        return ignored(tag ? 'tag' : 'push', `${tag ? `tag ${tag}` : `branch ${branch}`} was deleted`);
      }
      return {
        ok: true,
        trigger: compact({
          ...common,
          event: tag !== undefined ? 'tag' : 'push',
          ref, branch, tag,
          commit: after ?? str(payload, 'head_commit', 'id'),
          author: str(payload, 'head_commit', 'author', 'username') ?? str(payload, 'head_commit', 'author', 'name'),
          message: headMessage(payload),
          changedFiles: changedFiles(payload),
          commits: pushedCommits(payload),
        }),
      };
    }
    case 'pull_request': {
      const action = str(payload, 'action') ?? '';
      if (!PR_ACTIONS.includes(action)) return ignored('pull_request', `pull request action "${action}" does not start runs (only ${PR_ACTIONS.join(', ')})`);
      const pr = compact({
        number: int(payload, 'number') ?? int(payload, 'pull_request', 'number') ?? 0,
        title: str(payload, 'pull_request', 'title'),
        action,
        sourceBranch: str(payload, 'pull_request', 'head', 'ref'),
        targetBranch: str(payload, 'pull_request', 'base', 'ref'),
        url: str(payload, 'pull_request', 'html_url'),
        ...pullRequestSource(payload),
      });
      return {
        ok: true,
        trigger: compact({
          ...common,
          event: 'pull_request',
          ref: pr.sourceBranch === undefined ? undefined : `refs/heads/${pr.sourceBranch}`,
          branch: pr.sourceBranch,
          commit: str(payload, 'pull_request', 'head', 'sha'),
          author: str(payload, 'pull_request', 'user', 'login'),
          message: pr.title,
          pullRequest: pr,
        }),
      };
    }
    case 'release': {
      const action = str(payload, 'action') ?? '';
      if (action !== 'published') return ignored('release', `release action "${action}" does not start runs (only published)`);
      const tag = str(payload, 'release', 'tag_name');
      if (tag === undefined) return ignored('release', 'the release names no tag');
      return {
        ok: true,
        trigger: compact({
          ...common,
          event: 'release',
          ref: `refs/tags/${tag}`,
          tag,
          commit: str(payload, 'release', 'target_commitish'),
          author: str(payload, 'release', 'author', 'login'),
          message: str(payload, 'release', 'name') ?? str(payload, 'release', 'body'),
        }),
      };
    }
    case 'pull_request_target':
      // A GitHub Actions event, never a webhook's: webhooks send `pull_request`. Its trust is `forkSecrets: true`.
      return ignored(event, 'pull_request_target is a GitHub Actions event, not a webhook one; coflow runs on pull_request, and forkSecrets: true on the trigger gives fork pull requests secrets (docs/forges.md)');
    default:
      return ignored(event, `event "${event}" does not start runs (push, pull_request, release do)`);
  }
}

export const github: Forge = {
  kind: 'github',
  jsonBody: true,
  verify: (secret, body, h) => verifyPrefixedHmac(secret, body, h.get('x-hub-signature-256') ?? undefined),
  deliveryId: (h) => h.get('x-github-delivery') ?? undefined,
  eventName: (h) => h.get('x-github-event') ?? undefined,
  normalise: normaliseGitHubShape,
};
