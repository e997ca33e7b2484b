/**
 * `coflow dev`: the whole platform on one machine. Starts the Temporal dev
 * server persisting under the data directory, then a worker and the API in
 * this process; Ctrl-C stops all of it. Started again on the same data
 * directory, every earlier flow, run and log is still there.
 *
 * Self-healing: the Temporal server is recorded in `<data dir>/temporal.pid`;
 * a `coflow dev` started after a crash stops the server its predecessor left
 * running (rather than adopting it: a server of ours is our child, so its
 * death is noticed at once, and it runs with today's flags and CLI) and starts
 * its own on the same database. A server that dies under it is started again
 * (temporal-supervisor.ts); the worker and the API reconnect.
 */
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatform, type Platform } from '../worker/platform.ts';
import { untilSignal } from '../worker/processes.ts';
import { resolveWebRoot } from '../worker/web-root.ts';
import type { CoflowConfig } from '../worker/config.ts';
import { ConfigError } from '../worker/errors.ts';
import { PortInUseError } from './errors.ts';
import { stopRecordedServer } from './server-record.ts';
import { findTemporalBin, portInUse } from './temporal-server.ts';
import { superviseDevServer } from './temporal-supervisor.ts';
import { pickInternalPort, startTemporalUiProxy, temporalUiOrigins, type UiProxy } from './temporal-ui-proxy.ts';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** The frontend port of `COFLOW_TEMPORAL_ADDRESS`, which must be on this machine. */
function localPort(address: string): number {
  const m = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(address);
  if (!m) throw new ConfigError(`coflow dev starts its own Temporal server on this machine; COFLOW_TEMPORAL_ADDRESS must be 127.0.0.1:<port>, got ${address}`);
  return Number(m[2]);
}

/** Fails with one line naming the port and its variable when another program holds one of them. */
async function ensurePortsFree(ports: readonly { port: number; variable: string; what: string }[]): Promise<void> {
  for (const { port, variable, what } of ports) {
    if (port !== 0 && (await portInUse(port))) throw new PortInUseError(port, variable, what);
  }
}

/** The Temporal UI's address, and with the proxy how its payloads are decoded. */
function temporalUiLine(config: CoflowConfig, proxy: UiProxy | undefined): string {
  if (!proxy) return `http://127.0.0.1:${config.temporalUiPort}`;
  return `${proxy.url}   (payloads decoded by coflow's codec${config.tokens.length > 0 ? '; sign in to the web UI first' : ''})`;
}

/** Runs until SIGINT/SIGTERM; returns the exit code. */
export async function runDev(config: CoflowConfig): Promise<number> {
  mkdirSync(config.dataDir, { recursive: true });
  const bin = findTemporalBin({ ...(config.temporalBin ? { explicit: config.temporalBin } : {}), cacheDir: config.cacheDir });
  const port = localPort(config.temporalAddress);
  const recordFile = join(config.dataDir, 'temporal.pid');
  const leftover = await stopRecordedServer(recordFile);
  if (leftover !== undefined) say(`coflow: stopped the Temporal server (pid ${leftover}) that an earlier coflow dev left running on ${config.dataDir}`);
  await ensurePortsFree([
    { port, variable: 'COFLOW_TEMPORAL_ADDRESS', what: 'the Temporal frontend' },
    { port: config.temporalUiPort, variable: 'COFLOW_TEMPORAL_UI_PORT', what: 'the Temporal UI' },
    { port: config.apiPort, variable: 'COFLOW_API_PORT', what: 'the coflow API' },
  ]);
  const temporalLog = join(config.dataDir, 'temporal.log');
  // Encrypted payloads: the embedded UI moves to an internal port behind the proxy that passes the browser's credentials.
  const internalUiPort = config.codecKeys ? await pickInternalPort([port, config.temporalUiPort, config.apiPort]) : undefined;
  const uiPort = internalUiPort === undefined ? { uiPort: config.temporalUiPort } : { uiPort: internalUiPort, uiInternal: true };
  const server = await superviseDevServer({
    server: { bin, dbFile: join(config.dataDir, 'temporal.db'), port, ...uiPort, logFd: openSync(temporalLog, 'a') },
    recordFile,
    log: say,
  });
  let platform: Platform;
  let uiProxy: UiProxy | undefined;
  try {
    const webRoot = await resolveWebRoot(config, say);
    platform = await startPlatform({
      ...config,
      ...(webRoot ? { webRoot } : {}),
      temporalAddress: server.address,
      // The supervisor says in one line what happens to the server; the SDK's retry warnings would repeat it many times.
      coreLogLevel: 'ERROR',
      log: say,
      ...(config.workflowBundle ? { bundle: { codePath: config.workflowBundle } } : {}),
      ...(internalUiPort === undefined ? {} : { codecCorsOrigins: [...new Set([...config.codecCorsOrigins, ...temporalUiOrigins(config.temporalUiPort)])] }),
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  if (internalUiPort !== undefined) {
    try {
      uiProxy = await startTemporalUiProxy({ port: config.temporalUiPort, targetPort: internalUiPort, apiUrl: platform.apiUrl, signInNeeded: config.tokens.length > 0 });
    } catch (err) {
      await platform.stop();
      await server.stop();
      throw err;
    }
  }

  say(
    [
      'coflow is running',
      `  Web UI       ${platform.apiUrl}/`,
      `  API          ${platform.apiUrl}   (coflow commands use it: COFLOW_API=${platform.apiUrl})`,
      `  Temporal UI  ${temporalUiLine(config, uiProxy)}`,
      `  Temporal     ${server.address}   (restarted on the same database if it dies)`,
      `  data         ${config.dataDir}   (Temporal log: ${temporalLog})`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );

  const signal = await untilSignal();
  say(`\ncoflow: ${signal}, stopping the API, the worker and Temporal…`);
  await uiProxy?.close();
  await platform.stop();
  await server.stop();
  say('coflow: stopped');
  return 0;
}
