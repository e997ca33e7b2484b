/**
 * One process of the platform: a worker and the HTTP API sharing a store,
 * connected to a Temporal server. `coflow dev` runs this next to the dev
 * server; the integration tests run it in-process.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type WorkflowBundleOption } from '@temporalio/worker';
import Dockerode from 'dockerode';
import { createApi } from '../api/app.ts';
import { loadCatalog } from '../components/catalog.ts';
import { DockerRunner } from '../activities/docker-runner.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import type { JobRunner } from '../activities/runner.ts';
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
  /** Reuse an already built workflow bundle (tests build it once). */
  readonly bundle?: WorkflowBundleOption;
  readonly heartbeatEveryMs?: number;
  /** The job runner; the docker runner on `dockerSocket` when unset. */
  readonly runner?: JobRunner;
}

export interface Platform {
  readonly apiUrl: string;
  readonly store: Store;
  readonly client: Client;
  /** Stops the API, drains the worker, closes connections and the store. */
  stop(): Promise<void>;
}

/** Waits until the namespace answers: the dev server opens its port before it is ready. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs = 60_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      return connection;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} (namespace ${namespace}) is not reachable: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

let runtimeInstalled = false;

/** Starts a worker and the API. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  if (!runtimeInstalled) {
    // Worker life-cycle chatter at INFO drowns what users need to see. The
    // process that embeds the platform owns its signals and calls stop().
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
    runtimeInstalled = true;
  }
  mkdirSync(options.dataDir, { recursive: true });
  const store = openSqliteStore(join(options.dataDir, 'coflow.db'));
  const connection = await waitForTemporal(options.temporalAddress, options.namespace);
  const client = new Client({ connection, namespace: options.namespace });
  const nativeConnection = await NativeConnection.connect({ address: options.temporalAddress });
  const runner = options.runner ?? new DockerRunner({ docker: new Dockerode({ socketPath: options.dockerSocket }) });
  const worker = await createCoflowWorker({
    connection: nativeConnection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    runner,
    logs: store,
    bundle: options.bundle ?? (await bundleWorkflows()),
    ...(options.heartbeatEveryMs ? { heartbeatEveryMs: options.heartbeatEveryMs } : {}),
  });
  const running = worker.run();

  const app = createApi({ store, temporal: client, taskQueue: options.taskQueue, catalog: loadCatalog(options.componentsDir) });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: options.apiHost, port: options.apiPort }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://${options.apiHost}:${port}`,
    store,
    client,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as HttpServer).closeAllConnections();
      await closed;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      store.close();
    },
  };
}
