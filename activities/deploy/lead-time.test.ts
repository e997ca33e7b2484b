import { describe, expect, it } from 'vitest';
import type { ShippedCommitsInput } from '../../contracts/deploy.ts';
import { createLeadTimeActivities, fromTrigger } from './lead-time.ts';

const c = (n: number) => ({ sha: String(n).repeat(40).slice(0, 40), committedAt: `2026-01-0${n}T10:00:00.000Z` });
const PUSHED = [c(1), c(2), c(3), c(4)];
const input = (over: Partial<ShippedCommitsInput>): ShippedCommitsInput => ({
  runId: 'acme/shop/deploy#1', flowUri: 'acme/shop/deploy', workspace: false,
  trigger: { kind: 'github', event: 'push', commits: PUSHED }, ...over,
});

describe('shipped commits from the trigger', () => {
  it('takes the pushed commits after the previous deployment up to the deployed one', () => {
    expect(fromTrigger(input({ commit: c(3).sha, previousCommit: c(1).sha }))).toEqual([c(2), c(3)]);
    expect(fromTrigger(input({ commit: c(4).sha }))).toEqual(PUSHED);
  });

  it('gives nothing when the deployed commit is not among the pushed ones, or no commits were pushed', () => {
    expect(fromTrigger(input({ commit: 'f'.repeat(40) }))).toEqual([]);
    expect(fromTrigger(input({ commit: c(1).sha, trigger: { kind: 'manual', event: 'manual' } }))).toEqual([]);
  });

  it('without a workspace reader the activity answers from the trigger', async () => {
    const activities = createLeadTimeActivities({ gitImage: 'coflow/git-clone:1.0.0' });
    expect(await activities.shippedCommits(input({ commit: c(2).sha, workspace: true }))).toEqual([c(1), c(2)]);
  });
});
