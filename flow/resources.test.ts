import { describe, expect, it } from 'vitest';
import { InvalidQuantityError } from './errors.ts';
import { parseCpu, parseMemory } from './resources.ts';

describe('parseCpu', () => {
  it.each([
    ['1', 1000],
    [1, 1000],
    [2, 2000],
    [0.5, 500],
    ['0.25', 250],
    ['500m', 500],
    ['1500m', 1500],
    ['0.0001', 1],
    [0, 0],
  ] as const)('%j → %d millicores', (input, millis) => {
    expect(parseCpu(input)).toBe(millis);
  });

  it.each(['', 'one', '1Gi', '-1', '1 core', '500M'])('rejects %j', (input) => {
    expect(() => parseCpu(input)).toThrow(InvalidQuantityError);
  });
});

describe('parseMemory', () => {
  it.each([
    ['4G', 4e9],
    ['4Gi', 4 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1024M', 1024e6],
    ['100k', 100e3],
    ['1Ki', 1024],
    ['1000', 1000],
    [1000, 1000],
    ['1.5Gi', 1.5 * 2 ** 30],
    // Docker's lower-case units are binary.
    ['4g', 4 * 2 ** 30],
    ['512m', 512 * 2 ** 20],
    [0, 0],
  ] as const)('%j → %d bytes', (input, bytes) => {
    expect(parseMemory(input)).toBe(bytes);
  });

  it.each(['', '4GB', '4 G', 'lots', '-1Gi', '4Xi'])('rejects %j', (input) => {
    expect(() => parseMemory(input)).toThrow(InvalidQuantityError);
  });

  it('says which resource was wrong', () => {
    expect(() => parseMemory('4GB')).toThrow(/^invalid memory quantity "4GB": unknown suffix "GB"/);
  });
});
