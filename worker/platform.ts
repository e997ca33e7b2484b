/**
 * One process of the platform: a worker and the HTTP API sharing a store,
 * connected to a Temporal server. `coflow dev` runs this next to the dev
 * server; the integration tests run it in-process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type WorkflowBundleOption } from '@temporalio/worker';
import { createConcurrencyActivities } from '../activities/concurrency.ts';
import type { JobRunner } from '../activities/runner.ts';
import { createScheduleActivities } from '../activities/scheduled-run.ts';
import { createApi } from '../api/app.ts';
import type { TokenEntry } from '../api/auth/tokens.ts';
import { codecRoutes } from '../api/codec.ts';
import type { ApiEnv, SecretResolver } from '../api/context.ts';
import { createMetrics } from '../api/metrics.ts';
import { countRuns } from '../api/run-list.ts';
import { loadCatalog } from '../components/catalog.ts';
import { openCallbackStore } from '../store/callbacks.ts';
import { chainSecrets, openSecretStore } from '../store/secrets.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { AesGcmCodec, type CodecKey } from './codec.ts';
import type { KubernetesSettings, RunnerKind } from './config.ts';
import { waitForTemporal } from './connect.ts';
import { createRunner } from './runner-factory.ts';
import { ensureSearchAttributes } from './search-attributes.ts';
import { bundleWorkflows, createCoflowWorker } from './worker.ts';

export interface PlatformOptions {
  readonly dataDir: string;
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
  /** Webhook secrets by name. */
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

/** The embedded default key of the secret store: generated once, kept beside the data (mode 0600). */
function dataDirSecretsKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secrets.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** Starts a worker and (unless `serveApi` is false) the API. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const serveApi = options.serveApi ?? true;
  if (!runtimeInstalled) {
    // Worker life-cycle chatter at INFO drowns what users need to see. The
    // process that embeds the platform owns its signals and calls stop().
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
    runtimeInstalled = true;
  }
  mkdirSync(options.dataDir, { recursive: true });
  const store = openSqliteStore(join(options.dataDir, 'coflow.db'));
  const connection = await waitForTemporal(options.temporalAddress, options.namespace);
  const payloadCodec = options.codecKeys === undefined ? undefined : new AesGcmCodec(options.codecKeys);
  const client = new Client({ connection, namespace: options.namespace, ...(payloadCodec ? { dataConverter: { payloadCodecs: [payloadCodec] } } : {}) });
  const secretStore = openSecretStore(join(options.dataDir, 'coflow.db'), options.secretsKey ?? dataDirSecretsKey(options.dataDir));
  const secrets = chainSecrets({ resolveSecret: (name) => options.resolveSecret?.(name) }, secretStore);
  const callbacks = openCallbackStore(join(options.dataDir, 'coflow.db'));
  // The API's own address is known once it listens (port 0 picks one); the worker may start first.
  let resolveOwnUrl: (url: string) => void = () => {};
  const ownUrl = new Promise<string>((resolve) => (resolveOwnUrl = resolve));
  const nativeConnection = await NativeConnection.connect({ address: options.temporalAddress });
  const runner =
    options.runner ??
    createRunner({
      dockerSocket: options.dockerSocket,
      ...(options.runnerKind === undefined ? {} : { runner: options.runnerKind }),
      ...(options.kubernetes === undefined ? {} : { kubernetes: options.kubernetes }),
    });
  await ensureSearchAttributes(connection, options.namespace);
  const catalog = loadCatalog(options.componentsDir);
  const metrics = createMetrics({ countRuns: (state) => countRuns(client, state) });
  const worker = await createCoflowWorker({
    connection: nativeConnection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    runner,
    logs: store,
    bundle: options.bundle ?? (await bundleWorkflows()),
    ...(options.heartbeatEveryMs ? { heartbeatEveryMs: options.heartbeatEveryMs } : {}),
    extraActivities: {
      ...createScheduleActivities({ store, catalog, onRunStarted: () => metrics.runsStarted.inc({ trigger: 'schedule' }) }),
      ...createConcurrencyActivities({ temporal: client }),
    },
    jobAttemptDuration: metrics.jobAttemptDuration,
    secrets,
    lua: { httpAllow: options.luaHttpAllow ?? [] },
    ...(payloadCodec ? { payloadCodec } : {}),
    callbacks,
    publicUrl: () => options.publicUrl ?? ownUrl,
  });
  const running = worker.run();
  /** Drains the worker (running containers are detached, not killed), then closes what it used. */
  const stopWorker = async (): Promise<void> => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    store.close();
    secretStore.close();
    callbacks.close();
  };

  if (!serveApi) {
    // A worker process: service-job callbacks go to the API servers, reached at the configured address.
    resolveOwnUrl(`http://${options.apiHost}:${options.apiPort}`);
    return { apiUrl: '', store, client, stop: stopWorker };
  }

  const app = createApi({
    store,
    temporal: client,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    catalog,
    metrics,
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.resolveSecret ? { resolveSecret: options.resolveSecret } : {}),
    callbacks,
    secretStore,
    ...(payloadCodec ? { routes: [(api: OpenAPIHono<ApiEnv>) => void api.route('/api/v1', codecRoutes(payloadCodec))] } : {}),
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: options.apiHost, port: options.apiPort }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  resolveOwnUrl(`http://${options.apiHost}:${port}`);

  return {
    apiUrl: `http://${options.apiHost}:${port}`,
    store,
    client,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as HttpServer).closeAllConnections();
      await closed;
      await stopWorker();
    },
  };
}
