/**
 * The processes of the production topology, on this machine: `api` and
 * `worker` (each runs until SIGINT or SIGTERM).
 */
import { UsageError } from '../errors.ts';
import type { Command } from './types.ts';

async function platformConfig() {
  // Loaded here: commands that only talk to the API need none of the platform's configuration.
  const [{ loadConfig }, processes] = await Promise.all([import('../../worker/config.ts'), import('../../worker/processes.ts')]);
  return { config: loadConfig(), processes };
}

export const api: Command = {
  name: 'api',
  synopsis: 'api',
  summary: 'serve the HTTP API (stateless: run any number behind a load balancer)',
  async run(_ctx, args) {
    if (args.length > 0) throw new UsageError('api takes no arguments');
    const { config, processes } = await platformConfig();
    return processes.runApiProcess(config);
  },
};

export const worker: Command = {
  name: 'worker',
  synopsis: 'worker',
  summary: 'run flows and jobs (any number); /metrics and probes on COFLOW_WORKER_PORT',
  async run(_ctx, args) {
    if (args.length > 0) throw new UsageError('worker takes no arguments');
    const { config, processes } = await platformConfig();
    return processes.runWorkerProcess(config);
  },
};
