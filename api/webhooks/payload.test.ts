import { describe, expect, it } from 'vitest';
import { pushedCommits } from './payload.ts';

describe('pushedCommits', () => {
  it('keeps id and timestamp of each pushed commit, times in UTC, and leaves out malformed ones', () => {
    const payload = {
      commits: [
        { id: 'a'.repeat(40), timestamp: '2026-01-05T12:30:00+02:00' },
        { id: 'not a sha', timestamp: '2026-01-05T12:30:00Z' },
        { id: 'b'.repeat(40), timestamp: 'yesterday' },
        { id: 'c'.repeat(40), timestamp: '2026-01-05T11:00:00Z' },
      ],
    };
    expect(pushedCommits(payload)).toEqual([
      { sha: 'a'.repeat(40), committedAt: '2026-01-05T10:30:00.000Z' },
      { sha: 'c'.repeat(40), committedAt: '2026-01-05T11:00:00.000Z' },
    ]);
    expect(pushedCommits({ commits: [] })).toBeUndefined();
    expect(pushedCommits(null)).toBeUndefined();
  });
});
