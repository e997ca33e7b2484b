import { describe, expect, it } from 'vitest';
import { failureRateTier, frequencyTier, leadTimeTier, recoveryTier } from './tiers.ts';

describe('DORA tiers at every boundary (2024 report, docs/dora.md)', () => {
  it('deployment frequency: elite above once a day, high down to weekly, medium down to monthly', () => {
    expect(frequencyTier(1.0001)).toBe('elite');
    expect(frequencyTier(1)).toBe('high');
    expect(frequencyTier(1 / 7)).toBe('high');
    expect(frequencyTier(1 / 7 - 1e-9)).toBe('medium');
    expect(frequencyTier(1 / 30)).toBe('medium');
    expect(frequencyTier(1 / 30 - 1e-9)).toBe('low');
    expect(frequencyTier(0)).toBe('low');
  });

  it('lead time: elite under a day, high up to a week, medium up to 30 days', () => {
    expect(leadTimeTier(23.99)).toBe('elite');
    expect(leadTimeTier(24)).toBe('high');
    expect(leadTimeTier(168)).toBe('high');
    expect(leadTimeTier(168.01)).toBe('medium');
    expect(leadTimeTier(720)).toBe('medium');
    expect(leadTimeTier(720.01)).toBe('low');
  });

  it('change failure rate: elite up to 5 %, high up to 20 %, medium under 40 %', () => {
    expect(failureRateTier(0)).toBe('elite');
    expect(failureRateTier(0.05)).toBe('elite');
    expect(failureRateTier(0.0501)).toBe('high');
    expect(failureRateTier(0.2)).toBe('high');
    expect(failureRateTier(0.2001)).toBe('medium');
    expect(failureRateTier(0.3999)).toBe('medium');
    expect(failureRateTier(0.4)).toBe('low');
  });

  it('recovery time: elite under an hour, high under a day, medium up to a week', () => {
    expect(recoveryTier(0.99)).toBe('elite');
    expect(recoveryTier(1)).toBe('high');
    expect(recoveryTier(23.99)).toBe('high');
    expect(recoveryTier(24)).toBe('medium');
    expect(recoveryTier(168)).toBe('medium');
    expect(recoveryTier(168.01)).toBe('low');
  });
});
