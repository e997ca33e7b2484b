/**
 * What a benchmark started, stopped again when it ends: after its figures, on
 * failure, and on Ctrl-C or SIGTERM. Steps run in reverse order of their
 * registration; one step failing does not keep the others from running.
 * Steps marked `keepable` (servers, PostgreSQL, the cluster) are left running
 * with COFLOW_BENCH_KEEP=1, and the bench says what it kept.
 *
 *   await runBench(process.env, async (teardown) => {
 *     const server = await startSomething();
 *     teardown.add('the dev server', () => server.stop(), { keepable: true });
 *     …
 *   });
 */

export interface StepOptions {
  /** Left running with COFLOW_BENCH_KEEP=1 (a server, not an in-process object). */
  readonly keepable?: boolean;
}

interface Step extends StepOptions {
  readonly name: string;
  readonly stop: () => unknown;
}

export class Teardown {
  readonly #steps: Step[] = [];
  readonly #keep: boolean;
  #ran: Promise<void> | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    this.#keep = env.COFLOW_BENCH_KEEP === '1';
  }

  /** Registers how to stop something; register before starting it when a half-started thing needs stopping too. */
  add(name: string, stop: () => unknown, options: StepOptions = {}): void {
    this.#steps.push({ name, stop, ...options });
  }

  /** Runs every step once, latest first; later calls wait for the first. */
  run(): Promise<void> {
    this.#ran ??= this.#runSteps();
    return this.#ran;
  }

  async #runSteps(): Promise<void> {
    const kept: string[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      if (step.keepable && this.#keep) {
        kept.push(step.name);
        continue;
      }
      try {
        await step.stop();
      } catch (err) {
        process.stderr.write(`bench: stopping ${step.name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
    if (kept.length > 0) process.stderr.write(`bench: COFLOW_BENCH_KEEP=1, left running: ${kept.join(', ')}\n`);
  }
}

/**
 * Runs a bench's body with a teardown that runs when the body ends or fails,
 * and on SIGINT/SIGTERM (then exits 130/143; a second signal exits at once).
 */
export async function runBench(env: NodeJS.ProcessEnv, body: (teardown: Teardown) => Promise<void>): Promise<void> {
  const teardown = new Teardown(env);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (stopping) process.exit(code);
    stopping = true;
    process.stderr.write(`\nbench: ${signal}, stopping what the bench started…\n`);
    void teardown.run().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await body(teardown);
  } finally {
    await teardown.run();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
