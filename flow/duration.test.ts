import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';
import { InvalidDurationError } from './errors.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['1.5s', 1_500],
    [' 5m ', 300_000],
    ['600', 600_000],
    [600, 600_000],
    [0, 0],
    ['0', 0],
    ['0s', 0],
  ] as const)('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '10x', 'm', '1h 30m', '-5s', '5 s', 'ten minutes', '1.5', '5sm'])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow(InvalidDurationError);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (input) => {
    expect(() => parseDuration(input)).toThrow(InvalidDurationError);
  });

  it('names the input and the problem in the error', () => {
    const error = catchError(() => parseDuration('10x'));
    expect(error).toBeInstanceOf(InvalidDurationError);
    expect(error.name).toBe('InvalidDurationError');
    expect(error.input).toBe('10x');
    expect(error.message).toMatch(/^invalid duration "10x": unexpected "10x"; use a number with a unit/);
  });
});

function catchError(run: () => unknown): InvalidDurationError {
  try {
    run();
  } catch (e) {
    if (e instanceof InvalidDurationError) return e;
    throw e;
  }
  throw new Error('expected an InvalidDurationError');
}

describe('formatDuration', () => {
  it('round-trips through parseDuration', () => {
    for (const text of ['1h30m', '7d', '500ms', '1m1s']) expect(formatDuration(parseDuration(text))).toBe(text);
    expect(formatDuration(0)).toBe('0');
  });
});
