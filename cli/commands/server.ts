/**
 * The processes of the production topology, on this machine: `api` and
 * `worker` (each runs until SIGINT or SIGTERM), and `migrate` (once, before
 * new API servers and workers start on a PostgreSQL store).
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

export const migrate: Command = {
  name: 'migrate',
  synopsis: 'migrate',
  summary: 'bring the store\'s schema to this version (PostgreSQL: before starting new API servers and workers)',
  async run(ctx, args) {
    if (args.length > 0) throw new UsageError('migrate takes no arguments');
    const [{ loadConfig }, { migrateStore }] = await Promise.all([import('../../worker/config.ts'), import('../../store/open-store.ts')]);
    const config = loadConfig();
    const report = await migrateStore(config.store);
    const store = config.store.kind === 'sqlite' ? config.store.file : 'PostgreSQL (COFLOW_DATABASE_URL)';
    ctx.out({ store: config.store.kind, from: report.from, to: report.to, applied: report.applied.map((s) => ({ version: s.version, name: s.name })) }, () =>
      report.applied.length === 0
        ? `${store}: schema at version ${report.to}, nothing to do`
        : [`${store}: schema version ${report.from} → ${report.to}`, ...report.applied.map((s) => `  applied ${s.version}: ${s.name}`)].join('\n'));
    return 0;
  },
};
