import { describe, expect, it } from 'vitest';
import { OUTPUT_TOTAL_LIMIT, OUTPUT_VALUE_LIMIT, OutputCollector, maskRequests, parseCoutLine } from './cout.ts';

describe('parseCoutLine', () => {
  it('parses the canonical form', () => {
    expect(parseCoutLine('[COUT] VERSION = 1.2.3')).toEqual({ kind: 'output', key: 'VERSION', value: '1.2.3' });
  });

  it('keeps a value containing "=" whole', () => {
    expect(parseCoutLine('[COUT] URL = https://x/?a=1&b=2')).toEqual({
      kind: 'output',
      key: 'URL',
      value: 'https://x/?a=1&b=2',
    });
    expect(parseCoutLine('[COUT] EXPR=a==b')).toEqual({ kind: 'output', key: 'EXPR', value: 'a==b' });
  });

  it('accepts no spaces and trims the value', () => {
    expect(parseCoutLine('[COUT]KEY=value')).toEqual({ kind: 'output', key: 'KEY', value: 'value' });
    expect(parseCoutLine('[COUT] KEY =  spaced value   \t')).toEqual({
      kind: 'output',
      key: 'KEY',
      value: 'spaced value',
    });
  });

  it('allows leading white space, dotted and dashed keys, empty values', () => {
    expect(parseCoutLine('   [COUT] a.b-c_1 = ')).toEqual({ kind: 'output', key: 'a.b-c_1', value: '' });
  });

  it('returns null for lines that are not [COUT] lines', () => {
    expect(parseCoutLine('hello')).toBeNull();
    expect(parseCoutLine('echo [COUT] X = 1')).toBeNull();
    expect(parseCoutLine('')).toBeNull();
  });

  it('reports malformed [COUT] lines', () => {
    expect(parseCoutLine('[COUT] 1BAD = x')).toMatchObject({ kind: 'malformed' });
    expect(parseCoutLine('[COUT] two words = x')).toMatchObject({ kind: 'malformed' });
    expect(parseCoutLine('[COUT] = x')).toMatchObject({ kind: 'malformed', reason: 'empty key' });
    expect(parseCoutLine('[COUT] NOEQUALS')).toMatchObject({ kind: 'malformed' });
  });

  it('reads `[COUT] ::mask:: VALUE` as a value to mask, not an output', () => {
    expect(parseCoutLine('[COUT] ::mask:: s3cret=with spaces ')).toEqual({ kind: 'mask', value: 's3cret=with spaces' });
    expect(parseCoutLine('  [COUT]::mask::tok')).toEqual({ kind: 'mask', value: 'tok' });
    expect(parseCoutLine('[COUT] ::mask::')).toEqual({ kind: 'malformed', reason: '::mask:: without a value' });
    expect(maskRequests('a\r\n[COUT] ::mask:: one\n[COUT] X = 1\n [COUT] ::mask:: two')).toEqual(['one', 'two']);
  });
});

describe('OutputCollector', () => {
  it('collects outputs, ignores other lines, later values win', () => {
    const c = new OutputCollector();
    for (const line of ['building…', '[COUT] A = 1', '[COUT] B=x=y', '[COUT] A = 2']) c.addLine(line);
    expect(c.outputs).toEqual({ A: '2', B: 'x=y' });
    expect(c.warnings).toEqual([]);
    c.addLine('[COUT] ::mask:: ***');
    expect(c.outputs).toEqual({ A: '2', B: 'x=y' });
    expect(c.warnings).toEqual([]);
    expect(c.limitError).toBeUndefined();
  });

  it('turns a malformed key into a warning, not a crash', () => {
    const c = new OutputCollector();
    c.addLine('[COUT] 9lives = x');
    c.addLine('[COUT] OK = y');
    expect(c.outputs).toEqual({ OK: 'y' });
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toContain('9lives');
  });

  it('reads CO_RESULT case-insensitively', () => {
    const c = new OutputCollector();
    expect(c.coResult()).toBeUndefined();
    c.addLine('[COUT] CO_RESULT = FALSE');
    expect(c.coResult()).toBe('false');
    c.addLine('[COUT] CO_RESULT=True');
    expect(c.coResult()).toBe('true');
    c.addLine('[COUT] CO_RESULT = maybe');
    expect(c.coResult()).toBeUndefined();
    expect(c.warnings).toHaveLength(1);
  });

  it('rejects a value over 64 KiB and says where large results go', () => {
    const c = new OutputCollector();
    c.addLine(`[COUT] OK = ${'a'.repeat(OUTPUT_VALUE_LIMIT)}`);
    expect(c.limitError).toBeUndefined();
    c.addLine(`[COUT] BIG = ${'a'.repeat(OUTPUT_VALUE_LIMIT + 1)}`);
    expect(c.limitError).toMatch(/64 KiB/);
    expect(c.limitError).toMatch(/workspace or an artifact store/);
    expect(c.outputs.BIG).toBeUndefined();
  });

  it('counts bytes, not characters', () => {
    const c = new OutputCollector();
    c.add('U', 'é'.repeat(OUTPUT_VALUE_LIMIT / 2 + 1));
    expect(c.limitError).toMatch(/per value/);
  });

  it('rejects a job total over 256 KiB', () => {
    const c = new OutputCollector();
    const value = 'v'.repeat(OUTPUT_VALUE_LIMIT - 10);
    for (let i = 0; i < 4; i++) c.add(`K${i}`, value);
    expect(c.limitError).toBeUndefined();
    c.add('K4', value);
    expect(c.limitError).toMatch(/256 KiB/);
    expect(c.limitError).toMatch(/workspace or an artifact store/);
    expect(Object.keys(c.outputs)).toHaveLength(4);
    // Overwriting a key replaces its bytes rather than adding to them.
    const d = new OutputCollector();
    for (let i = 0; i < 10; i++) d.add('SAME', value);
    expect(d.limitError).toBeUndefined();
    expect(OUTPUT_TOTAL_LIMIT).toBe(256 * 1024);
  });
});
