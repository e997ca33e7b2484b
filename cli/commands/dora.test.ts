import { describe, expect, it } from 'vitest';
import type { DoraReport } from '../../contracts/dora.ts';
import { doraText, hours } from './dora.ts';

const REPORT: DoraReport = {
  since: '2026-01-05T00:00:00.000Z', until: '2026-01-19T00:00:00.000Z', environments: ['prod'],
  deploymentFrequency: { value: 0.5, tier: 'high', samples: 8, deployments: 7, perWeek: 3.5 },
  leadTime: { value: 5.25, tier: 'elite', samples: 12, p90Hours: 50 },
  changeFailureRate: { value: 0.125, tier: 'high', samples: 8, failures: 1 },
  recoveryTime: { value: null, tier: null, samples: 0 },
  weekly: [
    { weekStart: '2026-01-05T00:00:00.000Z', deployments: 4, leadTimeMedianHours: 0.5, changeFailureRate: 0.2, recoveryMedianHours: 3 },
    { weekStart: '2026-01-12T00:00:00.000Z', deployments: 3, leadTimeMedianHours: null, changeFailureRate: 0, recoveryMedianHours: null },
  ],
};

describe('coflow dora text', () => {
  it('says each key with units and tier, and one line per week', () => {
    expect(doraText(REPORT)).toBe([
      'DORA prod · 2026-01-05T00:00:00.000Z → 2026-01-19T00:00:00.000Z (14 days)',
      '',
      'deployment frequency  0.5/day (3.5/week, 7 successful)      high',
      'lead time             median 5.3 h, p90 2.1 d (12 commits)  elite',
      'change failure rate   12.5 % (1 of 8)                       high',
      'recovery time         –                                     not measured',
      '',
      'WEEK        DEPLOYS  LEAD TIME  FAILURE RATE  RECOVERY',
      '2026-01-05  4        30 min     20 %          3 h',
      '2026-01-12  3        –          0 %           –',
    ].join('\n'));
  });

  it('writes hours as minutes, hours or days', () => {
    expect([hours(0.25), hours(1), hours(47.94), hours(48), hours(null)]).toEqual(['15 min', '1 h', '47.9 h', '2 d', '–']);
  });
});
