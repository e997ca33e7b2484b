/**
 * Runs the coflow worker until `stop()`. The SDK's worker rides out a Temporal
 * server that goes away and comes back (its polls retry); a worker that fails
 * anyway (a poll error the SDK gives up on) would leave the process running
 * without a worker, so it is replaced by a new one on a new connection after
 * a growing delay, with one line saying so.
 */
import type { NativeConnection, State, Worker } from '@temporalio/worker';

export interface BuiltWorker {
  readonly worker: Worker;
  readonly connection: NativeConnection;
}

export interface WorkerLoopOptions {
  /** Connects and creates a worker (not yet running); its first failure is the caller's. */
  readonly build: () => Promise<BuiltWorker>;
  /** Where the one-line notices go. */
  readonly log: (line: string) => void;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface WorkerLoop {
  /** The state of the current worker (FAILED between a failure and its replacement). */
  state(): State;
  /** Drains the worker (running containers are detached, not killed) and closes its connection. */
  stop(): Promise<void>;
}

export async function startWorkerLoop(options: WorkerLoopOptions): Promise<WorkerLoop> {
  const { build, log, initialDelayMs = 1_000, maxDelayMs = 30_000 } = options;
  let current = await build();
  let stopping = false;
  let wake: () => void = () => {};
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => { clearTimeout(timer); resolve(); };
    });

  /** Builds a new worker, retrying with a growing delay; undefined once stopping. */
  const replace = async (): Promise<BuiltWorker | undefined> => {
    for (let delay = initialDelayMs; ; delay = Math.min(delay * 2, maxDelayMs)) {
      await pause(delay);
      if (stopping) return undefined;
      try {
        const built = await build();
        log('coflow: a new worker is polling again');
        return built;
      } catch (err) {
        log(`coflow: a new worker could not start (${(err as Error).message.split('\n')[0]!}); next try in ${Math.min(delay * 2, maxDelayMs) / 1000} s`);
      }
    }
  };

  const loop = (async () => {
    for (;;) {
      try {
        await current.worker.run();
        if (!stopping) log('coflow: the worker stopped on its own; starting a new one');
      } catch (err) {
        if (!stopping) log(`coflow: the worker failed (${(err as Error).message.split('\n')[0]!}); starting a new one in ${initialDelayMs / 1000} s`);
      }
      await current.connection.close().catch(() => undefined);
      if (stopping) return;
      const next = await replace();
      if (next === undefined) return;
      current = next;
      if (stopping) {
        // stop() came while it was being built: run it only to shut it down, which releases its connection.
        const running = current.worker.run();
        current.worker.shutdown();
        await running.catch(() => undefined);
        await current.connection.close().catch(() => undefined);
        return;
      }
    }
  })();

  return {
    state: () => current.worker.getState(),
    async stop() {
      stopping = true;
      wake();
      if (current.worker.getState() === 'RUNNING') current.worker.shutdown();
      await loop;
    },
  };
}
