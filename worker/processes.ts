/**
 * The long-running processes of the production topology, each on its own:
 * `coflow api` (stateless HTTP API; run any number behind a load balancer) and
 * `coflow worker` (runs flows and jobs; any number; /metrics and probes on a
 * port of its own). Each runs until SIGINT or SIGTERM, then stops in order: a
 * worker drains and leaves running job containers and Pods for the retried
 * activity on another worker to re-attach to.
 */
import type { CoflowConfig } from './config.ts';
import { startPlatform, type Platform, type PlatformOptions } from './platform.ts';
import { resolveWebRoot } from './web-root.ts';

/** Resolves with the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

async function runUntilSignal(name: string, platform: Platform): Promise<number> {
  const signal = await untilSignal();
  process.stdout.write(`coflow ${name}: ${signal}, stopping\n`);
  await platform.stop();
  process.stdout.write(`coflow ${name}: stopped\n`);
  return 0;
}

/** `coflow api`: the HTTP API without a worker. */
export async function runApiProcess(config: CoflowConfig): Promise<number> {
  const webRoot = await resolveWebRoot(config, (line) => process.stderr.write(line + '\n'));
  const platform = await startPlatform({ ...config, runWorker: false, ...(webRoot ? { webRoot } : {}) });
  process.stdout.write(`coflow api: listening on ${platform.apiUrl} (web UI ${platform.apiUrl}/, Temporal ${config.temporalAddress}, store ${config.store.kind})\n`);
  return runUntilSignal('api', platform);
}

/** `coflow worker`: a worker without the API. `overrides`: the benchmarks' runner that starts nothing (bench/scale-worker.ts). */
export async function runWorkerProcess(config: CoflowConfig, overrides: Pick<PlatformOptions, 'runner'> = {}): Promise<number> {
  const platform = await startPlatform({
    ...config,
    ...overrides,
    serveApi: false,
    workerEndpoints: { host: config.workerHost, port: config.workerPort },
    ...(config.workflowBundle ? { bundle: { codePath: config.workflowBundle } } : {}),
  });
  process.stdout.write(`coflow worker: polling ${config.taskQueue} on ${config.temporalAddress}; metrics and probes on ${platform.workerUrl}\n`);
  return runUntilSignal('worker', platform);
}
