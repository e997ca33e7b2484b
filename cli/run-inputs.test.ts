import { describe, expect, it } from 'vitest';
import { inputValues } from './commands/runs.ts';

describe('coflow run --input', () => {
  it('reads repeated NAME=VALUE options; the value may hold "=" or be empty', () => {
    expect(inputValues(['target=staging', 'args=a=b', 'note='])).toEqual({ target: 'staging', args: 'a=b', note: '' });
    expect(inputValues(undefined)).toEqual({});
  });

  it('refuses a value without a name and a name given twice', () => {
    expect(() => inputValues(['staging'])).toThrow('--input takes NAME=VALUE, got "staging"');
    expect(() => inputValues(['=x'])).toThrow('--input takes NAME=VALUE');
    expect(() => inputValues(['a=1', 'a=2'])).toThrow('--input a is given twice');
  });
});
