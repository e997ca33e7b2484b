/**
 * Finds and starts the Temporal CLI dev server (`temporal server start-dev`),
 * persisting to a file. Used by `coflow dev`, the integration tests and the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createConnection } from 'node:net';
import { DevServerStartError, PortInUseError, TemporalNotFoundError } from './errors.ts';

/** COFLOW_TEMPORAL_BIN, else `temporal` on PATH, else the setup's cache. */
export function findTemporalBin(opts: { explicit?: string; cacheDir: string; path?: string }): string {
  if (opts.explicit) {
    if (!existsSync(opts.explicit)) throw new TemporalNotFoundError(`COFLOW_TEMPORAL_BIN=${opts.explicit} does not exist`);
    return opts.explicit;
  }
  for (const dir of (opts.path ?? process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  const cached = join(opts.cacheDir, 'bin', 'temporal');
  if (existsSync(cached)) return cached;
  throw new TemporalNotFoundError(
    'the Temporal CLI was not found: run scripts/setup.sh (it installs it with Go), or install `temporal` on your PATH',
  );
}

export interface DevServerOptions {
  readonly bin: string;
  readonly dbFile: string;
  readonly port: number;
  readonly uiPort?: number;
  /** The UI port is an internal one behind `coflow dev`'s proxy (temporal-ui-proxy.ts), not COFLOW_TEMPORAL_UI_PORT. */
  readonly uiInternal?: boolean;
  /** No web UI (tests). */
  readonly headless?: boolean;
  readonly extraArgs?: readonly string[];
  /** Where the server's own log goes; inherited stdio when undefined. */
  readonly logFd?: number;
}

/** How a server process ended. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface DevServer {
  readonly address: string;
  readonly process: ChildProcess;
  /** The command line it was started with (`bin`, then the arguments): what its pid file records. */
  readonly argv: readonly string[];
  /** Resolves when the process has exited, whoever stopped it. */
  readonly exited: Promise<ServerExit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** True when something accepts connections on the loopback `port`. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Dynamic config every dev server we start gets (`coflow dev`, the tests, the
 * benchmarks). The dev server has one history shard, whose transfer-queue
 * reader — it hands every activity task and workflow task to matching — is
 * rate-limited to 20 loads a second by default: two per job, so a sequential
 * run could not go faster than ~100 ms a job, whatever the worker does
 * (docs/benchmarks.md, "Where the time goes per job"). The reader is woken by
 * new tasks, so a higher limit costs nothing when idle.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, number>> = {
  'history.transferProcessorMaxPollRPS': 1000,
};

/** Starts the dev server and waits until its frontend port accepts connections. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  if (await portInUse(opts.port)) throw new PortInUseError(opts.port, 'COFLOW_TEMPORAL_ADDRESS', 'the Temporal frontend');
  if (!opts.headless && opts.uiPort !== undefined && (await portInUse(opts.uiPort))) {
    if (opts.uiInternal) throw new DevServerStartError(`port ${opts.uiPort} (the Temporal UI's internal port, behind COFLOW_TEMPORAL_UI_PORT) is already in use by another program: start coflow dev again, it picks a free one`);
    throw new PortInUseError(opts.uiPort, 'COFLOW_TEMPORAL_UI_PORT', 'the Temporal UI');
  }
  const args = ['server', 'start-dev', '--db-filename', opts.dbFile, '--port', String(opts.port), '--ip', '127.0.0.1', '--log-level', 'error'];
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (opts.headless) args.push('--headless');
  else if (opts.uiPort !== undefined) args.push('--ui-port', String(opts.uiPort));
  args.push(...(opts.extraArgs ?? []));
  const child = spawn(opts.bin, args, {
    stdio: opts.logFd === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', opts.logFd, opts.logFd],
    // Its own process group: a terminal's Ctrl-C reaches coflow, which stops things in order.
    detached: true,
  });
  // Never leave a server behind when this process dies without stopping it.
  const killOnExit = (): void => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const exited = new Promise<ServerExit>((resolve) => child.once('exit', (code, signal) => { process.off('exit', killOnExit); resolve({ code, signal }); }));
  let dead = false;
  let spawnError: Error | undefined;
  child.once('error', (err) => { spawnError = err; dead = true; });
  void exited.then(() => { dead = true; });
  const deadline = Date.now() + 60_000;
  while (!(await portInUse(opts.port))) {
    if (spawnError) throw new DevServerStartError(`the Temporal dev server could not be started: ${spawnError.message}`);
    if (dead) throw new DevServerStartError(`the Temporal dev server exited during start-up (exit code ${String(child.exitCode)}); see its log`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new DevServerStartError('the Temporal dev server did not open its port within 60 s'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    process: child,
    argv: [opts.bin, ...args],
    exited,
    async stop(graceMs = 10_000) {
      if (dead) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
