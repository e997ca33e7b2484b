/**
 * Keeps `coflow dev`'s Temporal server running: starts it, records it in the
 * pid file, and when it dies (killed, crashed) starts it again on the same
 * database with a growing delay, saying so in one line each time. The worker
 * and the API reconnect by themselves once it answers again.
 */
import { startDevServer, type DevServer, type DevServerOptions, type ServerExit } from './temporal-server.ts';
import { removeServerRecord, writeServerRecord } from './server-record.ts';

export interface RestartBackoff {
  /** The first delay after a server died. */
  readonly initialMs: number;
  /** Each failed start doubles the delay, up to this. */
  readonly maxMs: number;
  /** A server that stayed up this long starts the next restart from `initialMs` again. */
  readonly resetAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { initialMs: 500, maxMs: 15_000, resetAfterMs: 60_000 };

export interface SupervisorOptions {
  readonly server: DevServerOptions;
  /** The pid file (`<data dir>/temporal.pid`). */
  readonly recordFile: string;
  /** Where the one-line notices go. */
  readonly log: (line: string) => void;
  readonly backoff?: RestartBackoff;
}

export interface SupervisedServer {
  readonly address: string;
  /** Stops restarting, stops the server and removes the pid file. */
  stop(): Promise<void>;
}

function describeExit({ code, signal }: ServerExit): string {
  return signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`;
}

/** Starts the server (a start-up failure is thrown) and keeps it running until `stop()`. */
export async function superviseDevServer(options: SupervisorOptions): Promise<SupervisedServer> {
  const { server: serverOptions, recordFile, log } = options;
  const backoff = options.backoff ?? DEFAULT_RESTART_BACKOFF;
  let current: DevServer | undefined;
  let startedAt = 0;
  let delayMs = backoff.initialMs;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> = Promise.resolve();

  const start = async (): Promise<DevServer> => {
    const server = await startDevServer(serverOptions);
    writeServerRecord(recordFile, { pid: server.process.pid!, argv: server.argv, startedAt: new Date().toISOString() });
    startedAt = Date.now();
    current = server;
    void server.exited.then((exit) => onExit(server, exit));
    return server;
  };

  const scheduleRestart = (): void => {
    timer = setTimeout(() => {
      timer = undefined;
      restarting = restart();
    }, delayMs);
    delayMs = Math.min(delayMs * 2, backoff.maxMs);
  };

  const restart = async (): Promise<void> => {
    if (stopping) return;
    try {
      const server = await start();
      if (stopping) return server.stop();
      log(`coflow: the Temporal server is back on ${server.address} (pid ${String(server.process.pid)})`);
    } catch (err) {
      if (stopping) return;
      log(`coflow: the Temporal server did not start again (${(err as Error).message}); next try in ${seconds(delayMs)}`);
      scheduleRestart();
    }
  };

  const onExit = (server: DevServer, exit: ServerExit): void => {
    if (stopping || server !== current) return;
    current = undefined;
    if (Date.now() - startedAt >= backoff.resetAfterMs) delayMs = backoff.initialMs;
    log(`coflow: the Temporal server exited (${describeExit(exit)}); restarting it on the same database in ${seconds(delayMs)}`);
    scheduleRestart();
  };

  const first = await start();
  return {
    address: first.address,
    async stop() {
      stopping = true;
      if (timer !== undefined) clearTimeout(timer);
      await restarting;
      await current?.stop();
      removeServerRecord(recordFile);
    },
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s`;
}
