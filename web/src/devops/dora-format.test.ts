import { describe, expect, it } from 'vitest';
import type { DoraReport } from '../../../contracts/dora.ts';
import { chartPoints, doraCards, formatFrequency, formatHours, formatRate, linePath, niceMax, weeksOf, windowOf } from './dora-format.ts';

describe('DORA values as the page shows them', () => {
  it('says frequency in the largest unit that reads as at least one', () => {
    expect(formatFrequency(null)).toBe('no deployments');
    expect(formatFrequency(3.25)).toBe('3.3 per day');
    expect(formatFrequency(2 / 7)).toBe('2 per week');
    expect(formatFrequency(1 / 30)).toBe('1 per month');
  });

  it('says durations in minutes, hours or days, and rates in percent', () => {
    expect(formatHours(null)).toBe('not measured');
    expect(formatHours(0.5)).toBe('30 min');
    expect(formatHours(4.25)).toBe('4.3 hours');
    expect(formatHours(72)).toBe('3 days');
    expect(formatRate(1 / 3)).toBe('33.3 %');
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(null)).toBe('not measured');
  });

  it('offers 4, 12 and 26 weeks and falls back to 12', () => {
    expect(weeksOf('4')).toBe(4);
    expect(weeksOf('26')).toBe(26);
    expect(weeksOf('5')).toBe(12);
    expect(weeksOf(null)).toBe(12);
    expect(windowOf(4, Date.parse('2026-12-02T00:00:00Z'))).toEqual({ since: '2026-11-04T00:00:00.000Z', until: '2026-12-02T00:00:00.000Z' });
  });

  it('makes four cards with their tiers and samples', () => {
    const report: DoraReport = {
      since: '2026-11-04T00:00:00Z', until: '2026-12-02T00:00:00Z', environments: ['prod'],
      deploymentFrequency: { value: 0.25, tier: 'high', samples: 7, deployments: 7, perWeek: 1.75 },
      leadTime: { value: 26, tier: 'high', samples: 9, p90Hours: 50 },
      changeFailureRate: { value: 0.125, tier: 'elite', samples: 8, failures: 1 },
      recoveryTime: { value: null, tier: null, samples: 0 },
      weekly: [],
    };
    const cards = doraCards(report);
    expect(cards.map((c) => [c.title, c.value, c.tier, c.samples])).toEqual([
      ['Deployment frequency', '1.8 per week', 'high', 7],
      ['Lead time for changes', '26 hours', 'high', 9],
      ['Change failure rate', '12.5 %', 'elite', 8],
      ['Failed deployment recovery time', 'not measured', null, 0],
    ]);
    expect(cards[1]?.detail).toBe('median; p90 2.1 days');
  });
});

describe('trend chart geometry', () => {
  const box = { width: 120, height: 60, left: 10, right: 10, top: 5, bottom: 5 };

  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(12)).toBe(20);
    expect(niceMax(0.3)).toBe(0.5);
  });

  it('spaces weeks evenly, scales values from the bottom, and breaks the line at a week without a value', () => {
    const { points, max } = chartPoints([0, 5, null, 10], box);
    expect(max).toBe(10);
    expect(points.map((p) => p.x)).toEqual([10, 43.333333333333336, 76.66666666666667, 110]);
    expect(points.map((p) => p.y)).toEqual([55, 30, null, 5]);
    expect(linePath(points)).toBe('M10.0,55.0L43.3,30.0M110.0,5.0');
  });

  it('puts a single week in the middle', () => {
    expect(chartPoints([2], box).points[0]?.x).toBe(60);
  });
});
