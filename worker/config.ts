/**
 * The platform's configuration, read from the environment once at the
 * composition root (cli/dev, worker and API entry points) and passed down as
 * a complete, typed value. Every variable here is listed in the README.
 */
import { IMAGE_PULL_POLICIES, type ImagePullPolicy } from '../flow/model.ts';
import { choiceList } from '../flow/suggest.ts';
import { loadLogicConfig, type LogicConfig } from './logic-config.ts';
import { loadSmtpConfig, type SmtpConfig } from './smtp-config.ts';
import type { TokenEntry } from '../api/auth/tokens.ts';
import { loadApiConfig, type ApiConfig } from './api-config.ts';
import { loadWorkerCacheConfig, type WorkerCacheConfig } from './cache-config.ts';
import { ConfigError } from './errors.ts';
import { loadTemporalConfig, type TemporalSettings } from './temporal-config.ts';
import type { StoreConfig } from '../store/open-store.ts';
import { loadStoreConfig } from './store-config.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import { loadWorkspaceClaimSettings, loadWorkspaceConfig, type WorkspaceClaimSettings, type WorkspaceConfig } from './workspace-config.ts';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface CoflowConfig extends ApiConfig, LogicConfig, SmtpConfig, TemporalSettings, WorkspaceConfig, WorkerCacheConfig {
  /** COFLOW_DATA_DIR: the one directory holding everything the embedded platform stores. */
  readonly dataDir: string;
  /** COFLOW_DATABASE_URL (PostgreSQL) or the embedded store in the data directory: where flows, logs and secrets are kept. */
  readonly store: StoreConfig;
  /** COFLOW_WORKFLOW_BUNDLE: a prebuilt workflow bundle for `coflow worker` and `coflow dev` (images ship one; tests start fast with it); unset: bundled at start-up. */
  readonly workflowBundle?: string;
  /** COFLOW_TASK_QUEUE */
  readonly taskQueue: string;
  /** COFLOW_API_HOST / COFLOW_API_PORT: where the HTTP API listens. */
  readonly apiHost: string;
  readonly apiPort: number;
  /** COFLOW_WORKER_HOST / COFLOW_WORKER_PORT: where a worker process (`coflow worker`) serves /metrics, /healthz and /readyz. */
  readonly workerHost: string;
  readonly workerPort: number;
  /** COFLOW_TEMPORAL_UI_PORT: the dev server's web UI (`coflow dev`). */
  readonly temporalUiPort: number;
  /** COFLOW_TEMPORAL_BIN: the Temporal CLI used by `coflow dev`; else `temporal` on PATH, else the setup's cache. */
  readonly temporalBin?: string;
  /** DOCKER_HOST (unix:// only) or the default socket. */
  readonly dockerSocket: string;
  /** COFLOW_COMPONENTS_DIR: the component catalog. */
  readonly componentsDir: string;
  /** COFLOW_TOKENS / COFLOW_TOKENS_FILE: bearer tokens of the API; none turns authentication off. */
  readonly tokens: readonly TokenEntry[];
  /** COFLOW_SECRET_<NAME> / COFLOW_SECRETS_FILE: webhook secrets by name. */
  readonly resolveSecret: SecretResolver;
  /** COFLOW_RUNNER: where job containers run. */
  readonly runnerKind: RunnerKind;
  /** COFLOW_IMAGE_PULL_POLICY: when a job that sets no `imagePullPolicy` pulls its image (both runners); unset: IfNotPresent. */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Settings of the kubernetes runner (COFLOW_KUBECONFIG, COFLOW_K8S_*). */
  readonly kubernetes: KubernetesSettings;
  /** COFLOW_PUBLIC_URL: base URL under which called systems reach the API (service job callbacks); unset: the API's own address. */
  readonly publicUrl?: string;
  /** COFLOW_DEPLOY_HELPER_IMAGE: the image deploy jobs read `file:` manifests with (sh, find, kubectl); unset: coflow/kubectl:1.0.0. */
  readonly deployHelperImage?: string;
  /** COFLOW_WEB_DIR: a built web UI to serve as is (images); unset: built from web/ into the cache when stale (worker/web-root.ts). */
  readonly webDir?: string;
  /** COFLOW_CACHE_DIR (else $XDG_CACHE_HOME/coflow or ~/.cache/coflow): what the setup builds once, and the web UI's builds. */
  readonly cacheDir: string;
}

/** Where job containers run (COFLOW_RUNNER). */
const RUNNER_KINDS = ['docker', 'kubernetes'] as const;
export type RunnerKind = (typeof RUNNER_KINDS)[number];

export interface KubernetesSettings {
  /** COFLOW_KUBECONFIG; unset: KUBECONFIG, ~/.kube/config, then in-cluster credentials. */
  readonly kubeconfig?: string;
  /** COFLOW_K8S_NAMESPACE: namespace of the job Pods. */
  readonly namespace: string;
  /** COFLOW_K8S_SERVICE_ACCOUNT: service account of the job Pods. */
  readonly serviceAccount?: string;
  /** COFLOW_K8S_IMAGE_PULL_SECRETS: comma-separated secret names. */
  readonly imagePullSecrets: readonly string[];
  /** COFLOW_K8S_IMAGE_PULL_POLICY: the kubernetes runner's default, over COFLOW_IMAGE_PULL_POLICY. */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** COFLOW_K8S_WORKSPACE_*: the claims of run workspaces. */
  readonly workspace?: WorkspaceClaimSettings;
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

function runnerKind(env: NodeJS.ProcessEnv): RunnerKind {
  const raw = env.COFLOW_RUNNER || 'docker';
  const kind = RUNNER_KINDS.find((k) => k === raw);
  if (kind === undefined) throw new ConfigError(`COFLOW_RUNNER must be ${choiceList(RUNNER_KINDS)}, got "${raw}"`);
  return kind;
}

function pullPolicy(env: NodeJS.ProcessEnv, name: string): ImagePullPolicy | undefined {
  const raw = env[name] || undefined;
  const policy = IMAGE_PULL_POLICIES.find((p) => p === raw);
  if (raw !== undefined && policy === undefined) throw new ConfigError(`${name} must be ${choiceList(IMAGE_PULL_POLICIES)}, got "${raw}"`);
  return policy;
}

function globalPullPolicy(env: NodeJS.ProcessEnv): { imagePullPolicy?: ImagePullPolicy } {
  const policy = pullPolicy(env, 'COFLOW_IMAGE_PULL_POLICY');
  return policy === undefined ? {} : { imagePullPolicy: policy };
}

function kubernetesSettings(env: NodeJS.ProcessEnv): KubernetesSettings {
  const policy = pullPolicy(env, 'COFLOW_K8S_IMAGE_PULL_POLICY');
  return {
    ...(env.COFLOW_KUBECONFIG ? { kubeconfig: resolve(env.COFLOW_KUBECONFIG) } : {}),
    namespace: env.COFLOW_K8S_NAMESPACE || 'default',
    ...(env.COFLOW_K8S_SERVICE_ACCOUNT ? { serviceAccount: env.COFLOW_K8S_SERVICE_ACCOUNT } : {}),
    imagePullSecrets: (env.COFLOW_K8S_IMAGE_PULL_SECRETS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    ...(policy ? { imagePullPolicy: policy } : {}),
    workspace: loadWorkspaceClaimSettings(env),
  };
}

function publicUrl(env: NodeJS.ProcessEnv): { publicUrl?: string } {
  const raw = env.COFLOW_PUBLIC_URL;
  if (raw === undefined || raw === '') return {};
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new ConfigError(`COFLOW_PUBLIC_URL must be an http:// or https:// URL, got "${raw}"`);
  return { publicUrl: raw.replace(/\/+$/, '') };
}

const repoRoot = resolve(import.meta.dirname, '..');

/** Reads and checks the configuration; throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CoflowConfig {
  const dataDir = resolve(env.COFLOW_DATA_DIR || join(repoRoot, '.data'));
  return {
    dataDir,
    store: loadStoreConfig(env, dataDir),
    ...(env.COFLOW_WORKFLOW_BUNDLE ? { workflowBundle: resolve(env.COFLOW_WORKFLOW_BUNDLE) } : {}),
    ...loadTemporalConfig(env),
    taskQueue: env.COFLOW_TASK_QUEUE || 'coflow',
    apiHost: env.COFLOW_API_HOST || '127.0.0.1',
    apiPort: port(env, 'COFLOW_API_PORT', 8080),
    workerHost: env.COFLOW_WORKER_HOST || '127.0.0.1',
    workerPort: port(env, 'COFLOW_WORKER_PORT', 8081),
    temporalUiPort: port(env, 'COFLOW_TEMPORAL_UI_PORT', 8233),
    ...(env.COFLOW_TEMPORAL_BIN ? { temporalBin: env.COFLOW_TEMPORAL_BIN } : {}),
    dockerSocket: dockerSocket(env),
    componentsDir: resolve(env.COFLOW_COMPONENTS_DIR || join(repoRoot, 'components')),
    ...loadApiConfig(env),
    runnerKind: runnerKind(env),
    ...globalPullPolicy(env),
    kubernetes: kubernetesSettings(env),
    ...publicUrl(env),
    ...(env.COFLOW_DEPLOY_HELPER_IMAGE ? { deployHelperImage: env.COFLOW_DEPLOY_HELPER_IMAGE } : {}),
    ...(env.COFLOW_WEB_DIR ? { webDir: resolve(env.COFLOW_WEB_DIR) } : {}),
    cacheDir: cacheDir(env),
    ...loadLogicConfig(env),
    ...loadWorkspaceConfig(env),
    ...loadSmtpConfig(env),
    ...loadWorkerCacheConfig(env),
  };
}
