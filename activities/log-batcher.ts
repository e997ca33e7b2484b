/**
 * Writes one attempt's log lines to the store in small batches: durable
 * within a quarter second, cheap per line. Lines are numbered from `firstSeq`
 * in the order they arrive; batches are written one after another, in order,
 * so the store's cursor order is the delivery order.
 */
import type { LogLine } from '../contracts/logs.ts';
import type { LogStore } from '../store/store.ts';

export interface LogBatcherOptions {
  readonly runId: string;
  readonly jobPath: string;
  readonly attempt: number;
  /** Seq of the first line (1 for a fresh attempt's container log). */
  readonly firstSeq?: number;
  /** A batch is written at least this often (ms). */
  readonly flushMs?: number;
  /** A batch is written as soon as it holds this many lines. */
  readonly flushLines?: number;
}

export class LogBatcher {
  readonly #logs: LogStore;
  readonly #options: Required<Omit<LogBatcherOptions, 'firstSeq'>>;
  readonly #firstSeq: number;
  #nextSeq: number;
  #pending: LogLine[] = [];
  /** Every batch written so far, in order; rejects once a write failed. */
  #written: Promise<void> = Promise.resolve();
  readonly #timer: NodeJS.Timeout;

  constructor(logs: LogStore, options: LogBatcherOptions) {
    this.#logs = logs;
    const { firstSeq = 1, flushMs = 250, flushLines = 200, ...where } = options;
    this.#options = { ...where, flushMs, flushLines };
    this.#firstSeq = firstSeq;
    this.#nextSeq = firstSeq;
    this.#timer = setInterval(() => void this.flush().catch(() => undefined), flushMs);
  }

  /** Lines accepted so far (stored or about to be). */
  get count(): number {
    return this.#nextSeq - this.#firstSeq;
  }

  /** Takes one line; resolves once a full batch it completed is stored (back-pressure). */
  add(line: LogLine): Promise<void> {
    this.#pending.push(line);
    this.#nextSeq++;
    return this.#pending.length >= this.#options.flushLines ? this.flush() : Promise.resolve();
  }

  /** Writes what is pending after the batches before it; rejects when any write failed. */
  flush(): Promise<void> {
    if (this.#pending.length > 0) {
      const batch = this.#pending;
      const fromSeq = this.#nextSeq - batch.length;
      this.#pending = [];
      const { runId, jobPath, attempt } = this.#options;
      this.#written = this.#written.then(() => this.#logs.appendLogs(runId, jobPath, attempt, fromSeq, batch));
    }
    return this.#written;
  }

  /** Stops the timer and writes the rest. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
