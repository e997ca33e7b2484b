import { describe, expect, it } from 'vitest';
import { responseOutputs } from './service-call.ts';

describe('service response outputs', () => {
  it('takes top-level JSON strings, numbers and booleans', () => {
    const c = responseOutputs('{"version": "2.0", "count": 7, "ok": false, "nested": {"x": 1}, "list": [1], "bad key": "x", "none": null}');
    expect(c.outputs).toEqual({ version: '2.0', count: '7', ok: 'false' });
  });

  it('reads [COUT] lines from a text body', () => {
    const c = responseOutputs('building\n[COUT] IMAGE = registry/app:1\n[COUT] broken\n');
    expect(c.outputs).toEqual({ IMAGE: 'registry/app:1' });
    expect(c.warnings).toHaveLength(1);
  });

  it('reads a JSON array or invalid JSON as text', () => {
    expect(responseOutputs('[1, 2]').outputs).toEqual({});
    expect(responseOutputs('{not json\n[COUT] A = 1').outputs).toEqual({ A: '1' });
  });
});
