/**
 * GitHub (and the same shapes from Gitea): push (branches and tags),
 * pull_request, release, ping. Signature `X-Hub-Signature-256`, delivery id
 * `X-GitHub-Delivery`, event `X-GitHub-Event`.
 */
import type { Forge, NormalisedEvent } from './forge.ts';
import { ignored } from './forge.ts';
import { changedFiles, compact, pushedCommits, int, isNullSha, splitRef, str, type Json } from './payload.ts';
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
          message: str(payload, 'head_commit', 'message'),
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
