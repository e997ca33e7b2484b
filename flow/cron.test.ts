import { describe, expect, it } from 'vitest';
import { cronProblem } from './cron.ts';

describe('cronProblem', () => {
  it.each(['0 3 * * *', '*/15 * * * *', '0 9-17 * * MON-FRI', '0 0 1,15 * *', '30 2 * JAN sun', '@daily', '0 0 * * 7'])(
    'accepts %j',
    (line) => {
      expect(cronProblem(line)).toBeUndefined();
    },
  );

  it.each([
    ['0 3 * *', /expected 5 fields/],
    ['60 * * * *', /minute "60": 60 is outside 0-59/],
    ['0 24 * * *', /hour "24"/],
    ['0 0 0 * *', /day of month "0"/],
    ['0 0 * 13 *', /month "13"/],
    ['*/0 * * * *', /bad step/],
    ['0 0 * * FUNDAY', /"FUNDAY" is not a number/],
    ['@sometimes', /unknown macro/],
  ])('rejects %j', (line, problem) => {
    expect(cronProblem(line)).toMatch(problem);
  });
});
