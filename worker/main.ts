#!/usr/bin/env node
/**
 * A worker process on its own (production: any number of these next to the
 * API servers). The same assembly as `coflow dev` without the HTTP server.
 * Runs flows and jobs until SIGINT or SIGTERM, then drains: running job
 * containers are left running for the retried activity on another worker
 * to re-attach to.
 */
import { loadConfig } from './config.ts';
import { startPlatform } from './platform.ts';

const config = loadConfig();
const bundlePath = process.env.COFLOW_WORKFLOW_BUNDLE;
const platform = await startPlatform({
  ...config,
  serveApi: false,
  ...(bundlePath ? { bundle: { codePath: bundlePath } } : {}),
});
process.stdout.write(`coflow worker: polling ${config.taskQueue} on ${config.temporalAddress}\n`);
const signal = await new Promise<NodeJS.Signals>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
process.stdout.write(`coflow worker: ${signal}, draining\n`);
await platform.stop();
