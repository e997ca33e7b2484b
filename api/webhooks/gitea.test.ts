import { describe, expect, it } from 'vitest';
import { gitea } from './gitea.ts';

const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const push = (before: string) => ({
  ref: 'refs/heads/main', before, after: SHA,
  head_commit: { id: SHA, message: 'Tidy up' },
  repository: { full_name: 'acme/shop' },
});

describe('gitea webhooks', () => {
  it('acknowledges Gitea\'s test delivery (a push with before == after) without a run', () => {
    expect(gitea.normalise('push', push(SHA))).toEqual({ ok: false, event: 'push', reason: 'a test delivery (before == after): the webhook is set up' });
  });

  it('normalises a real push, including the first push of a branch (before = the null sha)', () => {
    for (const before of ['0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', '0'.repeat(40)]) {
      const n = gitea.normalise('push', push(before));
      expect(n).toMatchObject({ ok: true, trigger: { event: 'push', branch: 'main', commit: SHA } });
    }
  });
});
