import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';

describe('the image pull policy of the configuration', () => {
  it('reads COFLOW_IMAGE_PULL_POLICY for both runners, with the kubernetes runner\'s own over it', () => {
    expect(loadConfig({}).imagePullPolicy).toBeUndefined();
    const config = loadConfig({ COFLOW_IMAGE_PULL_POLICY: 'Always', COFLOW_K8S_IMAGE_PULL_POLICY: 'Never' });
    expect(config.imagePullPolicy).toBe('Always');
    expect(config.kubernetes.imagePullPolicy).toBe('Never');
  });

  it('refuses a policy it does not know, naming the variable and the choices', () => {
    expect(() => loadConfig({ COFLOW_IMAGE_PULL_POLICY: 'always' })).toThrow(ConfigError);
    expect(() => loadConfig({ COFLOW_IMAGE_PULL_POLICY: 'always' })).toThrow('COFLOW_IMAGE_PULL_POLICY must be Always, IfNotPresent or Never, got "always"');
  });
});
