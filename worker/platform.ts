/**
 * One process of the platform: a worker and (unless told otherwise) the HTTP
 * API sharing a store, connected to a Temporal server. `coflow dev` runs this
 * next to the dev server; `worker/main.ts` runs it without the API; the
 * integration tests run it in-process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type WorkflowBundleOption } from '@temporalio/worker';
import { createConcurrencyActivities } from '../activities/concurrency.ts';
import type { JobRunner } from '../activities/runner.ts';
import { createScheduleActivities } from '../activities/scheduled-run.ts';
import type { TokenEntry } from '../api/auth/tokens.ts';
import { createMetrics } from '../api/metrics.ts';
import { countRuns } from '../api/run-list.ts';
import { loadCatalog } from '../components/catalog.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import { openStore, type StoreConfig } from '../store/open-store.ts';
import { chainSecrets, secretVault } from '../store/secrets.ts';
import type { Store } from '../store/store.ts';
import { serveApi, type ApiServer } from './api-server.ts';
import { AesGcmCodec, type CodecKey } from './codec.ts';
import type { KubernetesSettings, RunnerKind } from './config.ts';
import { waitForTemporal } from './connect.ts';
import { createRunner } from './runner-factory.ts';
import { ensureSearchAttributes } from './search-attributes.ts';
import { bundleWorkflows, createCoflowWorker } from './worker.ts';

export interface PlatformOptions {
  readonly dataDir: string;
  /** Where flows, logs and secrets are kept; default: the embedded store `<dataDir>/coflow.db`. */
  readonly store?: StoreConfig;
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly apiHost: string;
  /** 0 picks a free port. */
  readonly apiPort: number;
  readonly dockerSocket: string;
  readonly componentsDir: string;
  /** Bearer tokens of the API; none turns authentication off. */
  readonly tokens?: readonly TokenEntry[];
  /** Secrets by name from the environment or a file (webhook secrets, and `${{ secrets.X }}` before the store). */
  readonly resolveSecret?: SecretResolver;
  /** Reuse an already built workflow bundle (tests build it once). */
  readonly bundle?: WorkflowBundleOption;
  readonly heartbeatEveryMs?: number;
  /** The job runner; when unset, built from `runnerKind` (docker on `dockerSocket` by default). */
  readonly runner?: JobRunner;
  /** COFLOW_RUNNER, used when `runner` is unset. */
  readonly runnerKind?: RunnerKind;
  readonly kubernetes?: KubernetesSettings;
  /** COFLOW_CODEC_KEYS: when given, every Temporal payload is encrypted (worker and client) and /api/v1/codec/* decodes for Temporal's UI and CLI. */
  readonly codecKeys?: readonly CodecKey[];
  /** COFLOW_LUA_HTTP_ALLOW: hosts Lua hooks may reach with `http`; none = no HTTP. */
  readonly luaHttpAllow?: readonly string[];
  /** COFLOW_SECRETS_KEY: 32 bytes encrypting stored secrets; default: generated once into `<dataDir>/secrets.key`. */
  readonly secretsKey?: Buffer;
  /** COFLOW_PUBLIC_URL: base URL under which called systems reach this API (service job callbacks); default: the API's own address. */
  readonly publicUrl?: string;
  /** False: a worker process only (`worker/main.ts`), no HTTP server. Default true. */
  readonly serveApi?: boolean;
}

export interface Platform {
  /** Where the API listens; empty when `serveApi` is false. */
  readonly apiUrl: string;
  readonly store: Store;
  readonly client: Client;
  /** Stops the API, drains the worker, closes connections and the store. */
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** Worker life-cycle chatter at INFO drowns what users need to see; the embedding process owns its signals and calls stop(). */
function installRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  runtimeInstalled = true;
}

/** The embedded default key of the secret store: generated once, kept beside the data (mode 0600). */
function dataDirSecretsKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secrets.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** Starts a worker and (unless `serveApi` is false) the API. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  installRuntime();
  mkdirSync(options.dataDir, { recursive: true });
  const store = await openStore(options.store ?? { kind: 'sqlite', file: join(options.dataDir, 'coflow.db') });
  const connection = await waitForTemporal(options.temporalAddress, options.namespace);
  const payloadCodec = options.codecKeys === undefined ? undefined : new AesGcmCodec(options.codecKeys);
  const client = new Client({ connection, namespace: options.namespace, ...(payloadCodec ? { dataConverter: { payloadCodecs: [payloadCodec] } } : {}) });
  await ensureSearchAttributes(connection, options.namespace);
  const vault = secretVault(store, options.secretsKey ?? dataDirSecretsKey(options.dataDir));
  const fromConfig = options.resolveSecret ?? (() => Promise.resolve(undefined));
  const catalog = loadCatalog(options.componentsDir);
  const metrics = createMetrics({ countRuns: (state) => countRuns(client, state) });
  // The API's own address is known once it listens (port 0 picks one); the worker may start first.
  let resolveOwnUrl: (url: string) => void = () => {};
  const ownUrl = new Promise<string>((resolve) => (resolveOwnUrl = resolve));
  const nativeConnection = await NativeConnection.connect({ address: options.temporalAddress });
  const worker = await createCoflowWorker({
    connection: nativeConnection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    runner: options.runner ?? createRunner({ dockerSocket: options.dockerSocket, runner: options.runnerKind, kubernetes: options.kubernetes }),
    store,
    bundle: options.bundle ?? (await bundleWorkflows()),
    ...(options.heartbeatEveryMs ? { heartbeatEveryMs: options.heartbeatEveryMs } : {}),
    extraActivities: {
      ...createScheduleActivities({ store, catalog, onRunStarted: () => metrics.runsStarted.inc({ trigger: 'schedule' }) }),
      ...createConcurrencyActivities({ temporal: client }),
    },
    jobAttemptDuration: metrics.jobAttemptDuration,
    secrets: chainSecrets(fromConfig, vault.resolve),
    lua: { httpAllow: options.luaHttpAllow ?? [] },
    ...(payloadCodec ? { payloadCodec } : {}),
    publicUrl: () => options.publicUrl ?? ownUrl,
  });
  const running = worker.run();
  /** Drains the worker (running containers are detached, not killed), then closes what it used. */
  const stopWorker = async (): Promise<void> => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await store.close();
  };

  let api: ApiServer | undefined;
  if (options.serveApi ?? true) {
    const apiOptions = { store, temporal: client, namespace: options.namespace, taskQueue: options.taskQueue, catalog, metrics, resolveSecret: fromConfig, secrets: vault, ...(options.tokens ? { tokens: options.tokens } : {}) };
    api = await serveApi(apiOptions, { host: options.apiHost, port: options.apiPort }, payloadCodec);
    resolveOwnUrl(api.url);
  } else {
    // A worker process: service-job callbacks go to the API servers, reached at the configured address.
    resolveOwnUrl(`http://${options.apiHost}:${options.apiPort}`);
  }
  return {
    apiUrl: api?.url ?? '',
    store,
    client,
    async stop() {
      await api?.close();
      await stopWorker();
    },
  };
}
