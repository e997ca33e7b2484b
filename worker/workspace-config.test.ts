import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';

describe('the workspace settings', () => {
  it('keep workspaces 24 h and claim 1Gi ReadWriteOnce on the default class by default', () => {
    const config = loadConfig({});
    expect(config.workspaceRetentionMs).toBe(24 * 3600_000);
    expect(config.kubernetes.workspace).toEqual({ size: '1Gi', accessMode: 'ReadWriteOnce' });
  });

  it('read the retention as a duration and the claim from COFLOW_K8S_WORKSPACE_*', () => {
    const config = loadConfig({
      COFLOW_WORKSPACE_RETENTION: '90m',
      COFLOW_K8S_WORKSPACE_STORAGE_CLASS: 'nfs',
      COFLOW_K8S_WORKSPACE_SIZE: '500Mi',
      COFLOW_K8S_WORKSPACE_ACCESS_MODE: 'ReadWriteMany',
    });
    expect(config.workspaceRetentionMs).toBe(90 * 60_000);
    expect(config.kubernetes.workspace).toEqual({ storageClass: 'nfs', size: '500Mi', accessMode: 'ReadWriteMany' });
  });

  it('refuse what they cannot use, naming the variable', () => {
    for (const [name, value, message] of [
      ['COFLOW_WORKSPACE_RETENTION', 'soon', /COFLOW_WORKSPACE_RETENTION/],
      ['COFLOW_WORKSPACE_RETENTION', '0', /positive duration/],
      ['COFLOW_K8S_WORKSPACE_SIZE', 'big', /COFLOW_K8S_WORKSPACE_SIZE must be a Kubernetes quantity/],
      ['COFLOW_K8S_WORKSPACE_ACCESS_MODE', 'ReadOnlyMany', /COFLOW_K8S_WORKSPACE_ACCESS_MODE must be/],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(message);
    }
  });
});
