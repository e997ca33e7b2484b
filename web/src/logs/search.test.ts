import { describe, expect, it } from 'vitest';
import { lineOfHash, hashOfLine } from './line-link.ts';
import { findMatches, firstMatchFrom, matchLabel, stepMatch } from './search.ts';

const lines = ['Building x', 'error: build failed', 'ERROR again, Error thrice', 'ok'];

describe('search over lines', () => {
  it('finds every occurrence, ignoring case by default', () => {
    expect(findMatches(lines, 'error')).toEqual([
      { line: 1, start: 0, end: 5 }, { line: 2, start: 0, end: 5 }, { line: 2, start: 13, end: 18 },
    ]);
    expect(findMatches(lines, 'Error', { matchCase: true })).toEqual([{ line: 2, start: 13, end: 18 }]);
    expect(findMatches(lines, '')).toEqual([]);
  });

  it('stops at the limit and says so', () => {
    const many = findMatches(Array.from({ length: 50 }, () => 'aaaa'), 'a', { limit: 100 });
    expect(many).toHaveLength(100);
    expect(matchLabel(0, many.length, 100)).toBe('1 of 100+');
    expect(matchLabel(2, 120)).toBe('3 of 120');
    expect(matchLabel(-1, 0)).toBe('no matches');
  });

  it('steps forwards and backwards with wrap-around', () => {
    expect(stepMatch(-1, 3, false)).toBe(0);
    expect(stepMatch(-1, 3, true)).toBe(2);
    expect(stepMatch(2, 3, false)).toBe(0);
    expect(stepMatch(0, 3, true)).toBe(2);
    expect(stepMatch(0, 0, false)).toBe(-1);
  });

  it('finds the first match at or after a line', () => {
    const m = findMatches(lines, 'error');
    expect(firstMatchFrom(m, 2)).toBe(1);
    expect(firstMatchFrom(m, 0)).toBe(0);
    expect(firstMatchFrom(m, 3)).toBe(0); // past the last: wrap to the first
  });
});

describe('line links', () => {
  it('reads #L123 and nothing else', () => {
    expect(lineOfHash('#L123')).toBe(123);
    expect(lineOfHash('L7')).toBe(7);
    for (const bad of ['', '#', '#L', '#L0', '#L-3', '#L12x', '#top', '#L01']) expect(lineOfHash(bad)).toBeUndefined();
    expect(hashOfLine(5000)).toBe('#L5000');
  });
});
