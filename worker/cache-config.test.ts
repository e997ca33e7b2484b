import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHED_WORKFLOWS, loadWorkerCacheConfig } from './cache-config.ts';
import { ConfigError } from './errors.ts';

describe('worker cache configuration', () => {
  it('caps the cache by default, and takes 0 (off) or a whole number from 2', () => {
    expect(loadWorkerCacheConfig({})).toEqual({ cachedWorkflows: DEFAULT_CACHED_WORKFLOWS });
    expect(loadWorkerCacheConfig({ COFLOW_WORKER_CACHED_WORKFLOWS: '0' })).toEqual({ cachedWorkflows: 0 });
    expect(loadWorkerCacheConfig({ COFLOW_WORKER_CACHED_WORKFLOWS: '250' })).toEqual({ cachedWorkflows: 250 });
  });

  it('refuses what the SDK would change or cannot take, naming the variable', () => {
    for (const bad of ['1', '-5', '2.5', 'many', '1e3']) {
      expect(() => loadWorkerCacheConfig({ COFLOW_WORKER_CACHED_WORKFLOWS: bad })).toThrow(ConfigError);
    }
    expect(() => loadWorkerCacheConfig({ COFLOW_WORKER_CACHED_WORKFLOWS: '1' })).toThrow(/COFLOW_WORKER_CACHED_WORKFLOWS must be 0 \(no cache\) or a whole number of runs from 2 up, got "1"/);
  });
});
