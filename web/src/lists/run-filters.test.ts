import { describe, expect, it } from 'vitest';
import { filtersOf, isoOfLocal, localOfIso, sameFilters, searchOf } from './run-filters.ts';

describe('run filters in the URL', () => {
  it('reads the known keys, drops empty ones, and writes them back in a stable order', () => {
    const f = filtersOf(new URLSearchParams('branch=main&status=failed&flow=&junk=1&trigger=%20github%20'));
    expect(f).toEqual({ status: 'failed', branch: 'main', trigger: 'github' });
    expect(searchOf(f)).toBe('?status=failed&trigger=github&branch=main');
    expect(searchOf(f, { limit: '5', cursor: undefined })).toBe('?status=failed&trigger=github&branch=main&limit=5');
    expect(searchOf({})).toBe('');
    expect(sameFilters(f, { branch: 'main', trigger: 'github', status: 'failed' })).toBe(true);
    expect(sameFilters(f, { branch: 'main' })).toBe(false);
  });

  it('turns a datetime-local value into ISO and back, and refuses non-times', () => {
    const iso = isoOfLocal('2026-03-04T05:06');
    expect(iso).toBe(new Date(2026, 2, 4, 5, 6).toISOString());
    expect(localOfIso(iso)).toBe('2026-03-04T05:06');
    expect(isoOfLocal('')).toBeUndefined();
    expect(isoOfLocal('yesterday-ish')).toBeUndefined();
    expect(localOfIso('nope')).toBe('');
  });
});
