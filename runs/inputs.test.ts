import { describe, expect, it } from 'vitest';
import { parseFlow } from '../flow/index.ts';
import { RunInputsError } from './errors.ts';
import { resolveRunInputs } from './inputs.ts';

const flow = parseFlow(`uri: unit/inputs/deploy
inputs:
  target: { required: true, options: [staging, production] }
  replicas: 2
  note:
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: img:1 } ] } ] }
`);

describe('resolving the inputs of a run', () => {
  it('fills in defaults, reads numbers and booleans as text, and gives "" to an optional input without default', () => {
    expect(resolveRunInputs(flow, { target: 'staging' })).toEqual({ target: 'staging', replicas: '2', note: '' });
    expect(resolveRunInputs(flow, { target: 'production', replicas: 3, note: true })).toEqual({ target: 'production', replicas: '3', note: 'true' });
    expect(resolveRunInputs({ ...flow, inputs: undefined })).toBeUndefined();
  });

  it('names every unknown, missing and out-of-options input', () => {
    const problems = (given: Record<string, string>) => {
      try {
        resolveRunInputs(flow, given);
      } catch (err) {
        if (err instanceof RunInputsError) return err.problems;
        throw err;
      }
      throw new Error('expected RunInputsError');
    };
    expect(problems({ replicas: '1', colour: 'red' })).toEqual([
      { input: 'colour', message: 'unknown input "colour": unit/inputs/deploy declares target, replicas, note' },
      { input: 'target', message: 'input "target" is required' },
    ]);
    expect(problems({ target: 'prod' })).toEqual([{ input: 'target', message: 'input "target" must be one of staging, production, got "prod"' }]);
    expect(() => resolveRunInputs({ ...flow, inputs: undefined }, { x: '1' })).toThrow('unknown input "x": unit/inputs/deploy declares no inputs');
  });
});
