/**
 * Finds and starts the Temporal CLI dev server (`temporal server start-dev`),
 * persisting to a file. Used by `coflow dev`, the integration tests and the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createConnection } from 'node:net';
import { TemporalNotFoundError } from './errors.ts';

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
  /** No web UI (tests). */
  readonly headless?: boolean;
  readonly extraArgs?: readonly string[];
  /** Where the server's own log goes; inherited stdio when undefined. */
  readonly logFd?: number;
}

export interface DevServer {
  readonly address: string;
  readonly process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

/** Starts the dev server and waits until its frontend port accepts connections. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  if (await portOpen(opts.port)) throw new Error(`port ${opts.port} is already in use: is another Temporal server running?`);
  const args = ['server', 'start-dev', '--db-filename', opts.dbFile, '--port', String(opts.port), '--ip', '127.0.0.1', '--log-level', 'error'];
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => { process.off('exit', killOnExit); resolve(); }));
  let dead = false;
  void exited.then(() => { dead = true; });
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(opts.port))) {
    if (dead) throw new Error(`the Temporal dev server exited during start-up (exit code ${String(child.exitCode)}); see its log`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('the Temporal dev server did not open its port within 60 s'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    process: child,
    async stop(graceMs = 10_000) {
      if (dead) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
