import { describe, expect, it } from 'vitest';
import { jobPath, resolveJobRef, splitJobPath } from './paths.ts';

const jobs = [
  { name: 'build', path: 'ci.compile.build' },
  { name: 'test', path: 'ci.check.test' },
  { name: 'test', path: 'ci.e2e.test' },
  { name: 'push', path: 'release.publish.push' },
];

describe('job paths', () => {
  it('joins and splits stage.action.job', () => {
    expect(jobPath('ci', 'compile', 'build')).toBe('ci.compile.build');
    expect(splitJobPath('ci.compile.build')).toEqual({ stage: 'ci', action: 'compile', job: 'build' });
    expect(splitJobPath('ci.build')).toBeUndefined();
    expect(splitJobPath('ci..build')).toBeUndefined();
  });

  it('resolves full paths and unique bare job names', () => {
    expect(resolveJobRef(jobs, 'ci.e2e.test')).toEqual({ ok: true, path: 'ci.e2e.test' });
    expect(resolveJobRef(jobs, 'build')).toEqual({ ok: true, path: 'ci.compile.build' });
  });

  it('resolves a bare action name with a single job, as ContainerOps runtime files did', () => {
    expect(resolveJobRef(jobs, 'publish')).toEqual({ ok: true, path: 'release.publish.push' });
  });

  it('reports ambiguous and unknown references', () => {
    expect(resolveJobRef(jobs, 'test')).toEqual({ ok: false, reason: 'ambiguous', candidates: ['ci.check.test', 'ci.e2e.test'] });
    expect(resolveJobRef(jobs, 'deploy')).toEqual({ ok: false, reason: 'unknown', candidates: [] });
    expect(resolveJobRef(jobs, 'ci.compile.nope')).toMatchObject({ ok: false, reason: 'unknown' });
  });
});
