/**
 * Follows the job container's log of one Pod for the kubernetes runner: a
 * stream that breaks off while the container runs is followed again from
 * where it stopped, and at the container's end the rest is drained.
 */
import type { Log } from '@kubernetes/client-node';
import { statusOf } from './errors.ts';
import { LogLineSink, type LogCursor } from './kubernetes-log.ts';
import type { LogLine } from '../contracts/logs.ts';

/** After the container ended, how long the log stream may take to drain before it is read again without follow. */
const LOG_DRAIN_MS = 5_000;
/** Bound of that last read: a broken connection never ends the sink. */
const LOG_READ_MS = 30_000;
/** Pause before following again after a stream broke off (API server restart, connection loss). */
const RESTART_MS = 1_000;

export interface PodLogOptions {
  readonly log: Log;
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Called once per line, in order; awaited (back-pressure). */
  readonly onLine: (line: LogLine) => void | Promise<void>;
}

/** One log request: `done` resolves true when the stream ended normally, false when it broke off. */
interface LogStream {
  readonly done: Promise<boolean>;
  abort(): void;
}

/** The log of one attempt's container, delivered once per line across reconnects. */
export class PodLogFollower {
  readonly #options: PodLogOptions;
  /** Shared by the successive streams, so a resumed one skips what was delivered. */
  readonly #cursor: LogCursor = { lastKey: -1n, atLastKey: 0 };
  #current: LogStream | undefined;
  #ended = false;

  constructor(options: PodLogOptions) {
    this.#options = options;
  }

  /** Whether following has begun (the container was seen running or ended). */
  get started(): boolean {
    return this.#current !== undefined;
  }

  /** Starts following; `onError` gets what is not a broken connection (the attempt fails with it). */
  start(onError: (err: Error) => void): void {
    if (this.#ended) return;
    const stream = this.#open(true);
    this.#current = stream;
    stream.done.then(
      (complete) => {
        if (!complete && !this.#ended) setTimeout(() => this.start(onError), RESTART_MS);
      },
      (err: unknown) => onError(err as Error),
    );
  }

  /** The container ended: let the stream deliver the rest, or read the rest without follow if it does not in time. */
  async drain(): Promise<void> {
    this.#ended = true;
    const current = this.#current;
    const drained = current === undefined ? false : await Promise.race([current.done.catch(() => false), sleep(LOG_DRAIN_MS, false)]);
    current?.abort();
    if (drained) return;
    const rest = this.#open(false);
    try {
      await Promise.race([rest.done, sleep(LOG_READ_MS, false)]);
    } finally {
      rest.abort();
    }
  }

  /** Stops following now (cancel, timeout, error, detach): nothing more is delivered. */
  stop(): void {
    this.#ended = true;
    this.#current?.abort();
  }

  /** Streams the container's log from the cursor on into `onLine`. */
  #open(follow: boolean): LogStream {
    const { log, namespace, pod, container, onLine } = this.#options;
    const cursor = this.#cursor;
    const sink = new LogLineSink(cursor, onLine);
    let controller: AbortController | undefined;
    let aborted = false;
    const done = (async (): Promise<boolean> => {
      // `sinceTime` has second precision: the cursor skips the lines of that second already delivered.
      const since = cursor.lastKey >= 0n ? { sinceTime: new Date(Number(cursor.lastKey / 1_000_000n)).toISOString().replace(/\.\d+Z$/, 'Z') } : {};
      try {
        controller = await log.log(namespace, pod, container, sink, { follow, timestamps: true, ...since });
      } catch (err) {
        // The Pod went away (deleted after a cancel) or its container has not started: nothing more to read.
        if (statusOf(err) === 404 || statusOf(err) === 400) return false;
        throw err;
      }
      if (aborted) controller.abort();
      return sink.finished;
    })();
    return {
      done,
      abort: () => {
        aborted = true;
        controller?.abort();
        sink.stop();
      },
    };
  }
}

function sleep<T>(ms: number, value: T): Promise<T> {
  return new Promise((r) => setTimeout(() => r(value), ms));
}
