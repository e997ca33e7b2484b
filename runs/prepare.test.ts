import { describe, expect, it } from 'vitest';
import { FlowValidationError, parseFlow } from '../flow/index.ts';
import type { StoredFlow } from '../store/store.ts';
import { pinnedSpec } from './prepare.ts';

const source = (receiver: string): string => `uri: a/b/c
receivers:
  - ${receiver}
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: "x:1" } ] } ] }
`;

/** A version stored before receivers were read into the model: its spec has none. */
function storedBefore(text: string): StoredFlow {
  const { receivers: _dropped, ...spec } = parseFlow(source('{ type: mail, address: x@example.com }'));
  return { uri: 'a/b/c', version: 1, source: text, spec, createdAt: '2026-01-01T00:00:00.000Z' };
}

describe('the flow a run pins', () => {
  it('reads the receivers of a version stored before they were read, from its source', () => {
    expect(pinnedSpec(storedBefore(source('{ type: mail, address: ops@example.com }'))).receivers).toEqual([{ type: 'mail', address: 'ops@example.com', on: ['failure', 'approval', 'deployment'] }]);
  });

  it('refuses the run when such a receiver no longer validates, and leaves current versions alone', () => {
    expect(() => pinnedSpec(storedBefore(source('{ type: sms, address: "+32" }')))).toThrow(FlowValidationError);
    const current = { ...storedBefore(source('{ type: sms, address: "+32" }')), spec: parseFlow(source('{ type: slack, address: "https://h.example.com/x" }')) };
    expect(pinnedSpec(current)).toBe(current.spec);
  });
});
