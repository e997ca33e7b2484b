import { describe, expect, it } from 'vitest';
import { parseRegistryCredentials, registryAuthFor, registryHost, registrySecretName } from './registry-auth.ts';

describe('registry credentials from stored secrets', () => {
  it('reads the registry host of an image as Docker does', () => {
    expect(registryHost('busybox:1')).toBe('docker.io');
    expect(registryHost('library/busybox')).toBe('docker.io');
    expect(registryHost('ghcr.io/acme/tool:2')).toBe('ghcr.io');
    expect(registryHost('127.0.0.1:5000/coflow/shell:1')).toBe('127.0.0.1:5000');
    expect(registryHost('localhost/app@sha256:' + 'a'.repeat(64))).toBe('localhost');
  });

  it('names the secret of a host with letters, digits and _ only (a valid stored secret name)', () => {
    expect(registrySecretName('127.0.0.1:5000')).toBe('REGISTRY_127_0_0_1_5000');
    expect(registrySecretName('ghcr.io')).toBe('REGISTRY_GHCR_IO');
    expect(registrySecretName('docker.io')).toBe('REGISTRY_DOCKER_IO');
  });

  it('reads JSON or user:password, and refuses anything else without showing the value', () => {
    expect(parseRegistryCredentials('{"username":"ci","password":"p:w"}', 'S')).toEqual({ username: 'ci', password: 'p:w' });
    expect(parseRegistryCredentials('ci:p:w\n', 'S')).toEqual({ username: 'ci', password: 'p:w' });
    expect(() => parseRegistryCredentials('hunter2', 'REGISTRY_X')).toThrow(/^secret REGISTRY_X must be username:password/);
    expect(() => parseRegistryCredentials('{"user":"ci"}', 'REGISTRY_X')).toThrow('secret REGISTRY_X must be JSON');
    try {
      parseRegistryCredentials('{"password":"hunter2"}', 'REGISTRY_X');
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });

  it('asks the resolver for the image registry\'s secret only; none stored means an anonymous pull', async () => {
    const asked: string[] = [];
    const resolve = (name: string): Promise<string | undefined> => {
      asked.push(name);
      return Promise.resolve(name === 'REGISTRY_127_0_0_1_5000' ? 'ci:secret' : undefined);
    };
    expect(await registryAuthFor('127.0.0.1:5000/a/b:1', resolve)).toEqual({ server: '127.0.0.1:5000', username: 'ci', password: 'secret' });
    expect(await registryAuthFor('coflow/shell:1.0.0', resolve)).toBeUndefined();
    expect(asked).toEqual(['REGISTRY_127_0_0_1_5000', 'REGISTRY_DOCKER_IO']);
  });
});
