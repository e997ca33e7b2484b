#!/usr/bin/env node
/**
 * A worker process on its own (production: any number of these next to the
 * API servers). Reads the configuration, runs flows and jobs until SIGINT or
 * SIGTERM, then drains: running job containers are left running for the
 * retried activity on another worker to re-attach to.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { openSqliteStore } from '../store/sqlite.ts';
import { openCallbackStore } from '../store/callbacks.ts';
import { loadConfig } from './config.ts';
import { waitForTemporal } from './connect.ts';
import { ensureSearchAttributes } from './search-attributes.ts';
import { createRunner } from './runner-factory.ts';
import { bundleWorkflows, createCoflowWorker } from './worker.ts';

const config = loadConfig();
mkdirSync(config.dataDir, { recursive: true });
const store = openSqliteStore(join(config.dataDir, 'coflow.db'));
const callbacks = openCallbackStore(join(config.dataDir, 'coflow.db'));
const temporal = await waitForTemporal(config.temporalAddress, config.namespace);
// The run workflow upserts these; a worker may be the first process to meet a fresh namespace.
await ensureSearchAttributes(temporal, config.namespace);
await temporal.close();
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const bundlePath = process.env.COFLOW_WORKFLOW_BUNDLE;
const worker = await createCoflowWorker({
  connection,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  runner: createRunner({ runner: config.runnerKind, dockerSocket: config.dockerSocket, kubernetes: config.kubernetes }),
  logs: store,
  // Service job callbacks land on the API; the token table is shared through the data directory.
  callbacks,
  publicUrl: () => config.publicUrl ?? `http://${config.apiHost}:${config.apiPort}`,
  bundle: bundlePath ? { codePath: bundlePath } : await bundleWorkflows(),
});
process.stdout.write(`coflow worker: polling ${config.taskQueue} on ${config.temporalAddress}\n`);
// The SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown of the worker.
await worker.run();
await connection.close();
store.close();
callbacks.close();
