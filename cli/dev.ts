/**
 * `coflow dev`: the whole platform on one machine. Starts the Temporal dev
 * server persisting under the data directory, then a worker and the API in
 * this process; Ctrl-C stops all of it. Started again on the same data
 * directory, every earlier flow, run and log is still there.
 */
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatform } from '../worker/platform.ts';
import { untilSignal } from '../worker/processes.ts';
import { cacheDir, type CoflowConfig } from '../worker/config.ts';
import { findTemporalBin, startDevServer } from './temporal-server.ts';

/** Runs until SIGINT/SIGTERM; returns the exit code. */
export async function runDev(config: CoflowConfig): Promise<number> {
  mkdirSync(config.dataDir, { recursive: true });
  const bin = findTemporalBin({ ...(config.temporalBin ? { explicit: config.temporalBin } : {}), cacheDir: cacheDir(process.env) });
  const [host, portText] = config.temporalAddress.split(':');
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new Error(`coflow dev starts its own Temporal server on this machine; COFLOW_TEMPORAL_ADDRESS must be 127.0.0.1:<port>, got ${config.temporalAddress}`);
  }
  const temporalLog = join(config.dataDir, 'temporal.log');
  const server = await startDevServer({
    bin,
    dbFile: join(config.dataDir, 'temporal.db'),
    port: Number(portText ?? 7233),
    uiPort: config.temporalUiPort,
    logFd: openSync(temporalLog, 'a'),
  });
  let platform;
  try {
    platform = await startPlatform({ ...config, temporalAddress: server.address });
  } catch (err) {
    await server.stop();
    throw err;
  }

  process.stdout.write(
    [
      'coflow is running',
      `  API          ${platform.apiUrl}   (coflow commands use it: COFLOW_API=${platform.apiUrl})`,
      `  Temporal UI  http://127.0.0.1:${config.temporalUiPort}`,
      `  Temporal     ${server.address}`,
      `  data         ${config.dataDir}   (Temporal log: ${temporalLog})`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  const signal = await untilSignal();
  process.stdout.write(`\ncoflow: ${signal}, stopping the API, the worker and Temporal…\n`);
  await platform.stop();
  await server.stop();
  process.stdout.write('coflow: stopped\n');
  return 0;
}
