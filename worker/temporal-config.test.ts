import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { connectionOptions, loadTemporalConfig } from './temporal-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'coflow-temporal-config-'));
const pem = (name: string): string => {
  const file = join(dir, name);
  writeFileSync(file, `-----BEGIN ${name}-----\n`);
  return file;
};

describe('the Temporal connection settings', () => {
  it('connect in plain gRPC by default', () => {
    const settings = loadTemporalConfig({});
    expect(settings).toEqual({ temporalAddress: '127.0.0.1:7233', namespace: 'default' });
    expect(connectionOptions(settings)).toEqual({ address: '127.0.0.1:7233', tls: false });
  });

  it('carry mutual TLS from the files named, and the server name', () => {
    const settings = loadTemporalConfig({
      COFLOW_TEMPORAL_ADDRESS: 'temporal.example:7233',
      COFLOW_TEMPORAL_TLS_CA: pem('CA'),
      COFLOW_TEMPORAL_TLS_CERT: pem('CERT'),
      COFLOW_TEMPORAL_TLS_KEY: pem('KEY'),
      COFLOW_TEMPORAL_TLS_SERVER_NAME: 'frontend.internal',
    });
    const tls = connectionOptions(settings).tls as { serverRootCACertificate: Buffer; serverNameOverride: string; clientCertPair: { crt: Buffer; key: Buffer } };
    expect(tls.serverNameOverride).toBe('frontend.internal');
    expect(tls.serverRootCACertificate.toString()).toContain('BEGIN CA');
    expect([tls.clientCertPair.crt.toString(), tls.clientCertPair.key.toString()]).toEqual(['-----BEGIN CERT-----\n', '-----BEGIN KEY-----\n']);
  });

  it('send an API key over TLS with the system roots unless told otherwise', () => {
    expect(connectionOptions(loadTemporalConfig({ COFLOW_TEMPORAL_API_KEY: 'key-1' }))).toEqual({ address: '127.0.0.1:7233', tls: {}, apiKey: 'key-1' });
    expect(connectionOptions(loadTemporalConfig({ COFLOW_TEMPORAL_API_KEY: 'key-1', COFLOW_TEMPORAL_TLS: 'false' }))).toEqual({ address: '127.0.0.1:7233', tls: false, apiKey: 'key-1' });
  });

  it('refuse half a key pair, unreadable files, TLS files with TLS off, and a bad switch, naming the variable', () => {
    expect(() => loadTemporalConfig({ COFLOW_TEMPORAL_TLS_CERT: pem('CERT') })).toThrow(/COFLOW_TEMPORAL_TLS_CERT and COFLOW_TEMPORAL_TLS_KEY go together/);
    expect(() => loadTemporalConfig({ COFLOW_TEMPORAL_TLS_CA: join(dir, 'missing.pem') })).toThrow(ConfigError);
    expect(() => loadTemporalConfig({ COFLOW_TEMPORAL_TLS_CA: join(dir, 'missing.pem') })).toThrow(/COFLOW_TEMPORAL_TLS_CA=.*missing\.pem cannot be read/);
    expect(() => loadTemporalConfig({ COFLOW_TEMPORAL_TLS: 'false', COFLOW_TEMPORAL_TLS_CA: pem('CA') })).toThrow(/COFLOW_TEMPORAL_TLS=false/);
    expect(() => loadTemporalConfig({ COFLOW_TEMPORAL_TLS: 'yes' })).toThrow(/COFLOW_TEMPORAL_TLS must be true or false/);
  });
});
