import { describe, expect, it } from 'vitest';
import type { HookTrigger } from '../../flow/model.ts';
import type { TriggerContext } from '../../contracts/triggers.ts';
import { giteaPullRequest, giteaPush, githubPullRequest, githubPush, gitlabMergeRequest, gitlabTagPush, type Delivery } from '../../test/support/deliveries.ts';
import type { Forge } from './forge.ts';
import { gitea } from './gitea.ts';
import { github } from './github.ts';
import { gitlab } from './gitlab.ts';
import { secretsWithheldFor, skippedBecause } from './hygiene.ts';

const opts = { secret: 's', uri: 'acme/shop/ci' };

/** The normalised event of a delivery, as the hook route gets it. */
function eventOf(forge: Forge, d: Delivery, edit?: (payload: Record<string, unknown>) => void): TriggerContext {
  const payload = JSON.parse(d.body) as Record<string, unknown>;
  edit?.(payload);
  const n = forge.normalise(forge.eventName(new Headers(d.headers))!, payload);
  if (!n.ok) throw new Error(`not normalised: ${n.reason}`);
  return { kind: forge.kind, ...n.trigger };
}

const trigger = (extra: Partial<HookTrigger> = {}): HookTrigger => ({ kind: 'github', events: [], branches: [], tags: [], paths: [], secret: 's', ...extra });

describe('pull requests from forks', () => {
  it('GitHub: a fork, a deleted fork and a branch of the repository', () => {
    expect(eventOf(github, githubPullRequest({ ...opts, fork: true })).pullRequest).toMatchObject({ fromFork: true, sourceRepo: 'mallory/shop' });
    const deleted = eventOf(github, githubPullRequest({ ...opts, fork: 'deleted' })).pullRequest;
    expect(deleted?.fromFork).toBe(true);
    expect(deleted?.sourceRepo).toBeUndefined();
    expect(eventOf(github, githubPullRequest(opts)).pullRequest).toMatchObject({ fromFork: false, sourceRepo: 'acme/shop' });
  });

  it('GitHub: compares by id when both repositories have one (a renamed repository is the same), by full name otherwise', () => {
    const renamed = eventOf(github, githubPullRequest(opts), (p) => {
      ((p.pull_request as { head: { repo: { full_name: string } } }).head.repo).full_name = 'acme/old-shop';
    });
    expect(renamed.pullRequest?.fromFork).toBe(false);
    const withoutIds = eventOf(github, githubPullRequest({ ...opts, fork: true }), (p) => {
      const pr = p.pull_request as { head: { repo: { id?: number } }; base: { repo: { id?: number } } };
      delete pr.head.repo.id;
      delete pr.base.repo.id;
    });
    expect(withoutIds.pullRequest?.fromFork).toBe(true);
  });

  it('Gitea: a fork and a branch of the repository', () => {
    expect(eventOf(gitea, giteaPullRequest({ ...opts, fork: true })).pullRequest).toMatchObject({ fromFork: true, sourceRepo: 'mallory/shop' });
    expect(eventOf(gitea, giteaPullRequest(opts)).pullRequest).toMatchObject({ fromFork: false, sourceRepo: 'acme/shop' });
  });

  it('GitLab: source and target project ids; a merge request that does not say counts as a fork', () => {
    expect(eventOf(gitlab, gitlabMergeRequest({ ...opts, fork: true })).pullRequest).toMatchObject({ fromFork: true, sourceRepo: 'mallory/shop' });
    expect(eventOf(gitlab, gitlabMergeRequest(opts)).pullRequest).toMatchObject({ fromFork: false, sourceRepo: 'acme/shop' });
    const unsaid = eventOf(gitlab, gitlabMergeRequest(opts), (p) => delete (p.object_attributes as { source_project_id?: number }).source_project_id);
    expect(unsaid.pullRequest?.fromFork).toBe(true);
  });

  it('withholds secrets from a fork\'s run with a reason naming the fork, unless a starting trigger says forkSecrets: true', () => {
    const fork = eventOf(github, githubPullRequest({ ...opts, fork: true }));
    expect(secretsWithheldFor([trigger()], fork)).toBe('secrets are not given to runs of pull requests from forks (mallory/shop); set forkSecrets: true on the trigger to allow it');
    expect(secretsWithheldFor([trigger({ forkSecrets: false })], eventOf(github, githubPullRequest({ ...opts, fork: 'deleted' })))).toContain('(a deleted or unknown repository)');
    expect(secretsWithheldFor([trigger(), trigger({ forkSecrets: true })], fork)).toBeUndefined();
    expect(secretsWithheldFor([trigger()], eventOf(github, githubPullRequest(opts)))).toBeUndefined();
    expect(secretsWithheldFor([trigger()], eventOf(github, githubPush(opts)))).toBeUndefined();
  });

  it('acknowledges pull_request_target (an Actions event, never a webhook\'s) with the way to the same trust', () => {
    const n = github.normalise('pull_request_target', JSON.parse(githubPullRequest(opts).body));
    expect(n).toMatchObject({ ok: false, event: 'pull_request_target' });
    expect(n.ok ? '' : n.reason).toContain('forkSecrets: true');
  });
});

describe('[skip ci]', () => {
  it('skips a push whose head commit says [skip ci] or [ci skip], in any case, on each forge', () => {
    expect(skippedBecause([trigger()], eventOf(github, githubPush({ ...opts, message: 'Fix typo [skip ci]' })))).toBe(
      'the head commit\'s message says [skip ci]; set skipCi: false on the trigger to run anyway');
    expect(skippedBecause([trigger()], eventOf(github, githubPush({ ...opts, message: 'Docs\n\n[CI Skip]' })))).toContain('[CI Skip]');
    expect(skippedBecause([trigger()], eventOf(gitea, giteaPush({ ...opts, message: 'wip [skip ci]' })))).toContain('[skip ci]');
    // Gitea before 1.20 sends no head_commit: the last of the commits is the head.
    const noHead = eventOf(gitea, giteaPush({ ...opts, message: 'wip [ci skip]' }), (p) => delete p.head_commit);
    expect(skippedBecause([trigger()], noHead)).toContain('[ci skip]');
    expect(skippedBecause([trigger()], eventOf(github, githubPush({ ...opts, message: 'skip ci, but not really' })))).toBeUndefined();
  });

  it('GitLab: the last pushed commit\'s message', () => {
    const push = eventOf(gitlab, gitlabTagPush({ ...opts, tag: 'v1' }), (p) => {
      p.object_kind = 'push';
      p.ref = 'refs/heads/main';
      (p.commits as { message: string }[])[0]!.message = 'Bump [skip ci]';
    });
    expect(push.event).toBe('push');
    expect(skippedBecause([trigger()], push)).toContain('[skip ci]');
  });

  it('skips a pull request whose title says so', () => {
    const pr = eventOf(gitlab, gitlabMergeRequest({ ...opts, title: 'Draft: [skip ci] try things' }));
    expect(skippedBecause([trigger()], pr)).toBe('the pull request\'s title says [skip ci]; set skipCi: false on the trigger to run anyway');
    expect(skippedBecause([trigger()], eventOf(github, githubPullRequest(opts)))).toBeUndefined();
  });

  it('never skips a tag push: the tagged commit\'s message was not written for the release', () => {
    const tag = eventOf(gitlab, gitlabTagPush({ ...opts, tag: 'v2' }), (p) => ((p.commits as { message: string }[])[0]!.message = 'Release [skip ci]'));
    expect(tag.event).toBe('tag');
    expect(skippedBecause([trigger()], tag)).toBeUndefined();
  });

  it('runs when one of the starting triggers says skipCi: false', () => {
    const push = eventOf(github, githubPush({ ...opts, message: '[skip ci] tidy' }));
    expect(skippedBecause([trigger({ skipCi: false })], push)).toBeUndefined();
    expect(skippedBecause([trigger({ skipCi: true }), trigger({ skipCi: false })], push)).toBeUndefined();
    expect(skippedBecause([trigger({ skipCi: true })], push)).toContain('[skip ci]');
  });
});
