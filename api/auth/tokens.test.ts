import { describe, expect, it } from 'vitest';
import { hasRole, parseTokensEnv, parseTokensFile, sha256Hex, tokenTable } from './tokens.ts';

describe('tokens', () => {
  it('look up the actor of a clear or hashed token, and nothing else', () => {
    const table = tokenTable([
      { user: 'alice', roles: ['admin'], token: 'alice-token-0123456789' },
      { user: 'ci', roles: ['operator', 'release'], sha256: sha256Hex('ci-token-0123456789ab') },
    ]);
    expect(table.enabled).toBe(true);
    expect(table.lookup('alice-token-0123456789')).toEqual({ user: 'alice', roles: ['admin'] });
    expect(table.lookup('ci-token-0123456789ab')).toEqual({ user: 'ci', roles: ['operator', 'release'] });
    expect(table.lookup('alice-token-012345678')).toBeUndefined();
    expect(tokenTable([]).enabled).toBe(false);
  });

  it('reject entries without a permission role, short tokens and duplicates, without showing the token', () => {
    expect(() => tokenTable([{ user: 'x', roles: ['release'], token: 'abcdefghijklmnopq' }])).toThrow(/viewer, operator, admin/);
    expect(() => tokenTable([{ user: 'x', roles: ['viewer'], token: 'short' }])).toThrow(/at least 16/);
    const dup = () => tokenTable([{ user: 'a', roles: ['viewer'], token: 'same-token-0123456789' }, { user: 'b', roles: ['viewer'], token: 'same-token-0123456789' }]);
    expect(dup).toThrow(/twice/);
    try {
      dup();
    } catch (err) {
      expect((err as Error).message).not.toContain('same-token');
    }
  });

  it('rank roles: admin ⊃ operator ⊃ viewer', () => {
    expect(hasRole({ user: 'a', roles: ['admin'] }, 'operator')).toBe(true);
    expect(hasRole({ user: 'o', roles: ['operator'] }, 'admin')).toBe(false);
    expect(hasRole({ user: 'v', roles: ['viewer', 'release'] }, 'operator')).toBe(false);
  });

  it('read COFLOW_TOKENS and the tokens file', () => {
    expect(parseTokensEnv('alice:admin:tok:with:colons, bob:viewer+release:t2')).toEqual([
      { user: 'alice', roles: ['admin'], token: 'tok:with:colons' },
      { user: 'bob', roles: ['viewer', 'release'], token: 't2' },
    ]);
    expect(() => parseTokensEnv('alice-admin')).toThrow(/user:role/);
    expect(parseTokensFile('{"tokens":[{"user":"c","role":"operator","sha256":"ab"}]}', 'f')).toEqual([{ user: 'c', roles: ['operator'], sha256: 'ab' }]);
    expect(() => parseTokensFile('[{"roles":[]}]', 'f')).toThrow(/needs "user"/);
  });
});
