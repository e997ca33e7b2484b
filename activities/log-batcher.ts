/**
 * Writes one attempt's log lines to the store in small batches: a line after
 * a quiet spell is written at once (a follower sees it within a write), lines
 * that keep coming at most `flushMs` (50 ms) after they arrived, one write per
 * `flushMs` at most — cheap per line. Lines are numbered from `firstSeq`
 * in the order they arrive; batches are written one after another, in order,
 * so the store's cursor order is the delivery order.
 *
 * Lines wait in a bounded buffer until stored. While the store is slow or
 * down, a batch whose write fails transiently (store/transient.ts) is kept
 * and written again, and `add()` stops resolving once the buffer is full: the
 * runner awaits it, so it stops reading the container's log, which the
 * runtime keeps. An outage within the budget loses no line and fails
 * nothing. Past the budget, or on a failure that is not transient, the
 * batcher fails: `failed` aborts, `add()` and `close()` reject. Seqs make a
 * later re-write of the same lines harmless, so a retried activity that
 * re-attaches to the container stores what is missing.
 */
import type { LogLine } from '../contracts/logs.ts';
import type { LogStore } from '../store/store.ts';
import { retryTransient } from '../store/transient.ts';

export interface LogBatcherOptions {
  readonly runId: string;
  readonly jobPath: string;
  readonly attempt: number;
  /** Seq of the first line (1 for a fresh attempt's container log). */
  readonly firstSeq?: number;
  /** At most one write per this many ms while lines keep coming; a line waits at most this long (ms). */
  readonly flushMs?: number;
  /** A batch is written as soon as this many lines wait; no batch is larger. */
  readonly flushLines?: number;
  /** Lines held at most while they wait to be stored; `add()` waits while the buffer is full. */
  readonly bufferLines?: number;
  /** How long one batch's write may keep failing transiently before the batcher fails (ms). */
  readonly outageBudgetMs?: number;
}

type Settled = { resolve: () => void; reject: (err: unknown) => void };

export class LogBatcher {
  readonly #logs: LogStore;
  readonly #options: Required<Omit<LogBatcherOptions, 'firstSeq'>>;
  readonly #firstSeq: number;
  #nextSeq: number;
  /** Lines accepted and not yet stored, in order; the first has seq #storedUpTo. */
  #buffer: LogLine[] = [];
  #storedUpTo: number;
  /** The write loop while it runs. */
  #writing: Promise<void> | undefined;
  #failure: Error | undefined;
  readonly #failed = new AbortController();
  /** add() calls waiting for room in the buffer. */
  #waiting: Settled[] = [];
  /** Set while lines wait for the next write. */
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** When the last write began (performance.now()); lines after a quiet spell are written at once. */
  #lastWrite = -Infinity;

  constructor(logs: LogStore, options: LogBatcherOptions) {
    this.#logs = logs;
    const { firstSeq = 1, flushMs = 50, flushLines = 200, bufferLines = 10_000, outageBudgetMs = 60_000, ...where } = options;
    this.#options = { ...where, flushMs, flushLines, bufferLines: Math.max(bufferLines, flushLines), outageBudgetMs };
    this.#firstSeq = firstSeq;
    this.#nextSeq = firstSeq;
    this.#storedUpTo = firstSeq;
  }

  /** Lines accepted so far (stored or about to be). */
  get count(): number {
    return this.#nextSeq - this.#firstSeq;
  }

  /** Aborted, with the error as its reason, once lines can no longer be stored. */
  get failed(): AbortSignal {
    return this.#failed.signal;
  }

  /**
   * Moves the numbering past `count` lines an earlier try of the attempt
   * stored before the container's log (its pull progress); only before the first line.
   */
  skip(count: number): void {
    if (this.#nextSeq !== this.#firstSeq) throw new Error('LogBatcher.skip() must come before the first line');
    this.#nextSeq += count;
    this.#storedUpTo += count;
  }

  /** Takes one line; resolves at once while the buffer has room, else once it has again (back-pressure). */
  add(line: LogLine): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.#buffer.push(line);
    this.#nextSeq++;
    if (this.#buffer.length >= this.#options.flushLines) void this.#startWriting().catch(() => undefined);
    else if (this.#timer === undefined && !this.#closed) {
      // Leading and trailing edge: at once (next turn, with the lines of the same chunk) after a quiet spell,
      // else flushMs after the last write began. A quiet job costs no timer.
      const wait = Math.max(0, this.#lastWrite + this.#options.flushMs - performance.now());
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.flush().catch(() => undefined);
      }, wait);
    }
    if (this.#buffer.length < this.#options.bufferLines) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Writes every line accepted so far; rejects once the batcher failed. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#buffer.length === 0 && this.#writing === undefined) return;
      await this.#startWriting();
    }
  }

  /** Stops the timer and writes the rest. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.flush();
  }

  #startWriting(): Promise<void> {
    if (this.#writing === undefined) {
      const writing = this.#writeAll().finally(() => (this.#writing = undefined));
      // Whoever awaits it sees the failure; nobody has to.
      writing.catch(() => undefined);
      this.#writing = writing;
    }
    return this.#writing;
  }

  /** Writes batches from the front of the buffer until it is empty. */
  async #writeAll(): Promise<void> {
    const { runId, jobPath, attempt, flushLines, outageBudgetMs } = this.#options;
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.slice(0, flushLines);
      const fromSeq = this.#storedUpTo;
      this.#lastWrite = performance.now();
      try {
        await retryTransient(() => this.#logs.appendLogs(runId, jobPath, attempt, fromSeq, batch), { budgetMs: outageBudgetMs });
      } catch (err) {
        throw this.#fail(err);
      }
      this.#buffer.splice(0, batch.length);
      this.#storedUpTo += batch.length;
      this.#makeRoom();
    }
  }

  #makeRoom(): void {
    if (this.#buffer.length < this.#options.bufferLines) for (const waiter of this.#waiting.splice(0)) waiter.resolve();
  }

  #fail(err: unknown): Error {
    this.#failure = err instanceof Error ? err : new Error(String(err));
    clearTimeout(this.#timer);
    this.#failed.abort(this.#failure);
    for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#failure);
    return this.#failure;
  }
}
