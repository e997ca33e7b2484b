/**
 * The platform's configuration, read from the environment once at the
 * composition root (cli/dev, worker and API entry points) and passed down as
 * a complete, typed value. Every variable here is listed in the README.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface CoflowConfig {
  /** COFLOW_DATA_DIR: the one directory holding everything the embedded platform stores. */
  readonly dataDir: string;
  /** COFLOW_TEMPORAL_ADDRESS: host:port of the Temporal frontend. */
  readonly temporalAddress: string;
  /** COFLOW_TEMPORAL_NAMESPACE */
  readonly namespace: string;
  /** COFLOW_TASK_QUEUE */
  readonly taskQueue: string;
  /** COFLOW_API_HOST / COFLOW_API_PORT: where the HTTP API listens. */
  readonly apiHost: string;
  readonly apiPort: number;
  /** COFLOW_TEMPORAL_UI_PORT: the dev server's web UI (`coflow dev`). */
  readonly temporalUiPort: number;
  /** COFLOW_TEMPORAL_BIN: the Temporal CLI used by `coflow dev`; else `temporal` on PATH, else the setup's cache. */
  readonly temporalBin?: string;
  /** DOCKER_HOST (unix:// only) or the default socket. */
  readonly dockerSocket: string;
  /** COFLOW_COMPONENTS_DIR: the component catalog. */
  readonly componentsDir: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  return n;
}

function dockerSocket(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === '') return '/var/run/docker.sock';
  if (!host.startsWith('unix://')) throw new ConfigError(`DOCKER_HOST must be a unix:// socket for the docker runner, got "${host}"`);
  return host.slice('unix://'.length);
}

/** The Temporal CLI cache the setup script fills (outside the clone). */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  return env.COFLOW_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'coflow');
}

const repoRoot = resolve(import.meta.dirname, '..');

/** Reads and checks the configuration; throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CoflowConfig {
  return {
    dataDir: resolve(env.COFLOW_DATA_DIR || join(repoRoot, '.data')),
    temporalAddress: env.COFLOW_TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: env.COFLOW_TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.COFLOW_TASK_QUEUE || 'coflow',
    apiHost: env.COFLOW_API_HOST || '127.0.0.1',
    apiPort: port(env, 'COFLOW_API_PORT', 8080),
    temporalUiPort: port(env, 'COFLOW_TEMPORAL_UI_PORT', 8233),
    ...(env.COFLOW_TEMPORAL_BIN ? { temporalBin: env.COFLOW_TEMPORAL_BIN } : {}),
    dockerSocket: dockerSocket(env),
    componentsDir: resolve(env.COFLOW_COMPONENTS_DIR || join(repoRoot, 'components')),
  };
}
