import { describe, expect, it } from 'vitest';
import { labelValue } from './kubernetes-runner.ts';

const VALID = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;

describe('labelValue', () => {
  it('keeps values that are valid label values', () => {
    expect(labelValue('s.a.job-1')).toBe('s.a.job-1');
    expect(labelValue('3')).toBe('3');
  });

  it('turns any string into a valid label value, distinct for distinct inputs', () => {
    const raws = ['test/flows/three-stages#1', 'test/flows-three-stages#1', '-x-', '#', 'a'.repeat(200), `${'a'.repeat(200)}b`, 'ünïcode/ß#9'];
    const values = raws.map(labelValue);
    for (const v of values) expect(v).toMatch(VALID);
    expect(new Set(values).size).toBe(raws.length);
    expect(values[0]).toMatch(/^test-flows-three-stages-1-[0-9a-f]{10}$/);
  });
});
