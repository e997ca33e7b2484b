import { describe, expect, it } from 'vitest';
import { alertTime, AlertmanagerPayload, bearerMatches } from './alertmanager.ts';

describe('the Alertmanager receiver', () => {
  it('accepts only the exact bearer token', () => {
    expect(bearerMatches('s3cret', 'Bearer s3cret')).toBe(true);
    expect(bearerMatches('s3cret', 'bearer  s3cret ')).toBe(true);
    for (const header of [undefined, '', 's3cret', 'Basic s3cret', 'Bearer s3cre', 'Bearer s3crets', 'Bearer S3CRET']) {
      expect(bearerMatches('s3cret', header)).toBe(false);
    }
  });

  it('reads Alertmanager times, its zero time meaning none', () => {
    expect(alertTime('2026-12-01T10:00:00.123+01:00')).toBe('2026-12-01T09:00:00.123Z');
    expect(alertTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(alertTime('soon')).toBeUndefined();
    expect(alertTime(undefined)).toBeUndefined();
  });

  it('refuses a payload that is not a version 4 notification, naming the field', () => {
    const bad = AlertmanagerPayload.safeParse({ status: 'firing', alerts: [{ status: 'burning', labels: {}, startsAt: 'x' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['alerts.0.status']);
  });
});
