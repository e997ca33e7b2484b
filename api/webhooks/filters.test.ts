import { describe, expect, it } from 'vitest';
import type { HookTrigger } from '../../flow/model.ts';
import { filterOut, globToRegExp, matchesGlobs } from './filters.ts';

const trigger = (t: Partial<HookTrigger>): HookTrigger => ({ kind: 'github', events: [], branches: [], tags: [], paths: [], secret: 's', ...t });

describe('globs', () => {
  it('match within a segment with *, across segments with **, exclude with !', () => {
    expect(globToRegExp('release/*').test('release/1.2')).toBe(true);
    expect(globToRegExp('release/*').test('release/1/2')).toBe(false);
    expect(globToRegExp('docs/**').test('docs/a/b.md')).toBe(true);
    expect(globToRegExp('v?.*').test('v1.4')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(matchesGlobs('main', ['*', '!main'])).toBe(false);
    expect(matchesGlobs('dev', ['!main'])).toBe(true);
  });
});

describe('trigger filters', () => {
  it('pass a push to a listed branch and say why others are left out', () => {
    const t = trigger({ events: ['push'], branches: ['main', 'release/*'] });
    expect(filterOut(t, { kind: 'github', event: 'push', branch: 'release/2' })).toBeUndefined();
    expect(filterOut(t, { kind: 'github', event: 'push', branch: 'dev' })).toContain('branch "dev" does not match');
    expect(filterOut(t, { kind: 'github', event: 'release', tag: 'v1' })).toContain('event "release" is not in');
    // A tag push is a push; with branches only, tags are left out (GitHub Actions' rule).
    expect(filterOut(t, { kind: 'github', event: 'tag', tag: 'v1' })).toContain('lists branches only');
  });

  it('reads GitLab event names and filters pull requests by their target branch', () => {
    const t = trigger({ kind: 'gitlab', events: ['Merge Request Hook', 'tag_push'], branches: ['main'], tags: ['v*'] });
    expect(filterOut(t, { kind: 'gitlab', event: 'pull_request', branch: 'feature', pullRequest: { number: 1, targetBranch: 'main' } })).toBeUndefined();
    expect(filterOut(t, { kind: 'gitlab', event: 'tag', tag: 'v2.0' })).toBeUndefined();
    expect(filterOut(t, { kind: 'gitlab', event: 'tag', tag: 'nightly' })).toContain('tag "nightly"');
  });

  it('filters pushes by changed paths when the event lists them', () => {
    const t = trigger({ paths: ['src/**', '!src/**/*.md'] });
    expect(filterOut(t, { kind: 'github', event: 'push', branch: 'main', changedFiles: ['src/a/b.go'] })).toBeUndefined();
    expect(filterOut(t, { kind: 'github', event: 'push', branch: 'main', changedFiles: ['src/README.md', 'docs/x'] })).toContain('no changed file');
    expect(filterOut(t, { kind: 'github', event: 'pull_request', branch: 'x' })).toBeUndefined();
  });
});
