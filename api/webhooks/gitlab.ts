/**
 * GitLab: Push Hook, Tag Push Hook, Merge Request Hook. `X-Gitlab-Token` is
 * the shared secret; the delivery id is `Idempotency-Key` (the same across
 * GitLab's retries) or `X-Gitlab-Event-UUID`.
 */
import type { Forge, NormalisedEvent } from './forge.ts';
import { ignored } from './forge.ts';
import { changedFiles, compact, pushedCommits, int, isNullSha, splitRef, str, type Json } from './payload.ts';
import { verifySharedToken } from './signature.ts';

const MR_ACTIONS = ['open', 'reopen', 'update'];

function project(payload: Json) {
  const fullName = str(payload, 'project', 'path_with_namespace');
  if (fullName === undefined) return undefined;
  return compact({
    fullName,
    url: str(payload, 'project', 'web_url'),
    cloneUrl: str(payload, 'project', 'git_http_url'),
    sshUrl: str(payload, 'project', 'git_ssh_url'),
  });
}

/** The last commit of a push (GitLab lists the pushed commits, oldest first). */
function lastCommit(payload: Json, sha: string | undefined): Json {
  const commits = (payload as { commits?: unknown } | null)?.commits;
  if (!Array.isArray(commits)) return undefined;
  return commits.find((c) => str(c, 'id') === sha) ?? commits[commits.length - 1];
}

/** A merge request from another project than its target (a fork), or one that does not say: its runs get no secrets unless the trigger opts in. */
function mergeRequestSource(payload: Json): { fromFork: boolean; sourceRepo?: string } {
  const source = int(payload, 'object_attributes', 'source_project_id');
  const target = int(payload, 'object_attributes', 'target_project_id');
  return compact({ fromFork: source === undefined || source !== target, sourceRepo: str(payload, 'object_attributes', 'source', 'path_with_namespace') });
}

function normalise(event: string, payload: Json): NormalisedEvent {
  const kind = str(payload, 'object_kind') ?? event.toLowerCase().replace(/ hook$/, '').replace(/ /g, '_');
  const repo = project(payload);
  switch (kind) {
    case 'push':
    case 'tag_push': {
      const ref = str(payload, 'ref');
      const { branch, tag } = splitRef(ref);
      if (branch === undefined && tag === undefined) return ignored(kind, `push to "${ref ?? '?'}", neither a branch nor a tag`);
      const after = str(payload, 'checkout_sha') ?? str(payload, 'after');
      if (isNullSha(str(payload, 'after')) || after === undefined && tag !== undefined) {
        return ignored(tag ? 'tag' : 'push', `${tag ? `tag ${tag}` : `branch ${branch}`} was deleted`);
      }
      const head = lastCommit(payload, after);
      return {
        ok: true,
        trigger: compact({
          event: tag !== undefined ? 'tag' : 'push',
          actor: str(payload, 'user_username') ?? str(payload, 'user_name'),
          repo, ref, branch, tag,
          commit: after,
          author: str(head, 'author', 'name'),
          message: str(head, 'message') ?? str(payload, 'message'),
          changedFiles: changedFiles(payload),
          commits: pushedCommits(payload),
        }),
      };
    }
    case 'merge_request': {
      const action = str(payload, 'object_attributes', 'action') ?? '';
      if (!MR_ACTIONS.includes(action)) return ignored('pull_request', `merge request action "${action}" does not start runs (only ${MR_ACTIONS.join(', ')})`);
      const pr = compact({
        number: int(payload, 'object_attributes', 'iid') ?? 0,
        title: str(payload, 'object_attributes', 'title'),
        action,
        sourceBranch: str(payload, 'object_attributes', 'source_branch'),
        targetBranch: str(payload, 'object_attributes', 'target_branch'),
        url: str(payload, 'object_attributes', 'url'),
        ...mergeRequestSource(payload),
      });
      return {
        ok: true,
        trigger: compact({
          event: 'pull_request',
          actor: str(payload, 'user', 'username'),
          repo,
          ref: pr.sourceBranch === undefined ? undefined : `refs/heads/${pr.sourceBranch}`,
          branch: pr.sourceBranch,
          commit: str(payload, 'object_attributes', 'last_commit', 'id'),
          author: str(payload, 'object_attributes', 'last_commit', 'author', 'name'),
          message: pr.title,
          pullRequest: pr,
        }),
      };
    }
    default:
      return ignored(kind, `event "${event}" does not start runs (Push Hook, Tag Push Hook, Merge Request Hook do)`);
  }
}

export const gitlab: Forge = {
  kind: 'gitlab',
  jsonBody: true,
  verify: (secret, _body, h) => verifySharedToken(secret, h.get('x-gitlab-token') ?? undefined),
  deliveryId: (h) => h.get('idempotency-key') ?? h.get('x-gitlab-event-uuid') ?? undefined,
  eventName: (h) => h.get('x-gitlab-event') ?? undefined,
  normalise,
};
