import { describe, expect, it } from 'vitest';
import { attemptName, MAX_ATTEMPT_NAME } from './attempt-name.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('attemptName', () => {
  it('is deterministic and readable', () => {
    const a = attemptName({ runId: 'acme/shop/ci#1', jobPath: 'build.compile.linux', attempt: 2 });
    expect(a).toBe(attemptName({ runId: 'acme/shop/ci#1', jobPath: 'build.compile.linux', attempt: 2 }));
    expect(a).toMatch(/^co-acme-shop-ci-1-build-compile-linux-a2-[0-9a-f]{10}$/);
  });

  it('keeps attempts and look-alikes that sanitise the same apart', () => {
    const a = attemptName({ runId: 'run/1', jobPath: 'build.compile.linux', attempt: 2 });
    expect(attemptName({ runId: 'run:1', jobPath: 'build.compile.linux', attempt: 2 })).not.toBe(a);
    expect(attemptName({ runId: 'run/1', jobPath: 'build.compile.linux', attempt: 3 })).not.toBe(a);
  });

  it('is a valid Kubernetes Pod name and Docker container name, even from hostile input', () => {
    for (const parts of [
      { runId: 'é'.repeat(300), jobPath: '/'.repeat(300), attempt: 999 },
      { runId: 'A'.repeat(100), jobPath: 'b.c.d', attempt: 1 },
      { runId: '---', jobPath: '...', attempt: 12345 },
    ]) {
      const name = attemptName(parts);
      expect(name.length).toBeLessThanOrEqual(MAX_ATTEMPT_NAME);
      expect(name).toMatch(DNS_LABEL);
      expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
    }
  });
});
