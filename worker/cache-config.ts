/**
 * The worker's workflow cache (COFLOW_WORKER_CACHED_WORKFLOWS): how many open
 * runs a worker keeps in memory between their workflow tasks. A run waiting
 * at a gate stays in the cache until others push it out; an evicted run costs
 * nothing while it waits and replays its history on its next event (an
 * approval, a timer). The SDK's own default grows with the heap limit (about
 * 2,400 runs on a machine with 24 GiB), which keeps a worker's RSS growing
 * past 1 GiB with thousands of waiting runs; coflow caps it (docs/scale.md).
 */
import { ConfigError } from './errors.ts';

/** Open runs a worker keeps in memory by default. */
export const DEFAULT_CACHED_WORKFLOWS = 500;

export interface WorkerCacheConfig {
  /** COFLOW_WORKER_CACHED_WORKFLOWS: 0 turns the cache off (every workflow task replays the run's history). */
  readonly cachedWorkflows: number;
}

/** Reads and checks COFLOW_WORKER_CACHED_WORKFLOWS; throws ConfigError naming it. */
export function loadWorkerCacheConfig(env: NodeJS.ProcessEnv): WorkerCacheConfig {
  const raw = env.COFLOW_WORKER_CACHED_WORKFLOWS;
  if (raw === undefined || raw === '') return { cachedWorkflows: DEFAULT_CACHED_WORKFLOWS };
  const n = Number(raw);
  // The SDK silently raises 1 to 2; refuse it instead of running with a value nobody set.
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n === 1) {
    throw new ConfigError(`COFLOW_WORKER_CACHED_WORKFLOWS must be 0 (no cache) or a whole number of runs from 2 up, got "${raw}"`);
  }
  return { cachedWorkflows: n };
}
