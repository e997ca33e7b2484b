import { describe, expect, it } from 'vitest';
import { loadApiConfig } from './api-config.ts';
import { ConfigError } from './errors.ts';

const KEY = 'a-session-key-of-at-least-32-characters';

describe('web session configuration', () => {
  it('is unset by default (a random key per process, 8 h), and reads the key and a lifetime', () => {
    expect(loadApiConfig({})).not.toHaveProperty('sessionKey');
    expect(loadApiConfig({})).not.toHaveProperty('sessionTtlMs');
    expect(loadApiConfig({ COFLOW_SESSION_KEY: KEY, COFLOW_SESSION_TTL: '1h30m' })).toMatchObject({ sessionKey: KEY, sessionTtlMs: 5_400_000 });
  });

  it('names the bad variable', () => {
    expect(() => loadApiConfig({ COFLOW_SESSION_KEY: 'short' })).toThrow(new ConfigError('COFLOW_SESSION_KEY must be at least 32 characters (it has 5); e.g. `openssl rand -base64 48`'));
    expect(() => loadApiConfig({ COFLOW_SESSION_TTL: '8 hours' })).toThrow(/^COFLOW_SESSION_TTL: invalid duration "8 hours"/);
    expect(() => loadApiConfig({ COFLOW_SESSION_TTL: '10s' })).toThrow(new ConfigError('COFLOW_SESSION_TTL must be at least 1m, got "10s"'));
    expect(() => loadApiConfig({ COFLOW_SESSION_TTL: '401d' })).toThrow(/COFLOW_SESSION_TTL must be at most 400d/);
  });
});
