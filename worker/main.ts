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
import { loadConfig } from './config.ts';
import { waitForTemporal } from './connect.ts';
import { createRunner } from './runner-factory.ts';
import { bundleWorkflows, createCoflowWorker } from './worker.ts';

const config = loadConfig();
mkdirSync(config.dataDir, { recursive: true });
const store = openSqliteStore(join(config.dataDir, 'coflow.db'));
await (await waitForTemporal(config.temporalAddress, config.namespace)).close();
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const bundlePath = process.env.COFLOW_WORKFLOW_BUNDLE;
const worker = await createCoflowWorker({
  connection,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  runner: createRunner({ runner: config.runnerKind, dockerSocket: config.dockerSocket, kubernetes: config.kubernetes }),
  logs: store,
  bundle: bundlePath ? { codePath: bundlePath } : await bundleWorkflows(),
});
process.stdout.write(`coflow worker: polling ${config.taskQueue} on ${config.temporalAddress}\n`);
// The SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown of the worker.
await worker.run();
await connection.close();
store.close();
