/**
 * Turns a Kubernetes container log requested with `timestamps=true` into
 * {@link LogLine}s, resuming without duplicates after a reconnect.
 */
import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';
import type { LogLine } from '../contracts/logs.ts';

/**
 * Where the delivered log ends: the timestamp (ns since the epoch) of the last
 * line delivered and how many lines carried exactly that timestamp. Shared by
 * the successive streams of one attempt, so a stream resumed with `sinceTime`
 * (second precision) skips what was already delivered.
 */
export interface LogCursor {
  lastKey: bigint;
  atLastKey: number;
}

/** Parses `2024-05-01T10:00:00.123456789Z text` into ns since the epoch and the text. */
export function parseTimestampedLine(raw: string): { key: bigint; text: string } | undefined {
  const space = raw.indexOf(' ');
  const stamp = space < 0 ? raw : raw.slice(0, space);
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]!}${m[3]!}`);
  if (Number.isNaN(seconds)) return undefined;
  const nanos = BigInt((m[2] ?? '').padEnd(9, '0'));
  return { key: BigInt(seconds) * 1_000_000n + nanos, text: space < 0 ? '' : raw.slice(space + 1) };
}

/**
 * A Writable that splits the stream into lines and awaits `onLine` for each
 * (back-pressure). `finished` resolves true when the stream ended normally,
 * false when its source broke off or after {@link stop}.
 */
export class LogLineSink extends Writable {
  readonly finished: Promise<boolean>;
  readonly #cursor: LogCursor;
  readonly #onLine: (line: LogLine) => void | Promise<void>;
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';
  /** Lines with the cursor's timestamp seen by this stream. */
  #seenAtKey = 0;
  #stopped = false;
  #resolve: (complete: boolean) => void = () => undefined;

  constructor(cursor: LogCursor, onLine: (line: LogLine) => void | Promise<void>) {
    super();
    this.#cursor = cursor;
    this.#onLine = onLine;
    this.finished = new Promise<boolean>((resolve) => {
      this.#resolve = resolve;
    });
    this.on('finish', () => this.#resolve(!this.#stopped));
    // `pipe()` does not forward a source's errors: a broken connection (or our
    // abort) would otherwise be an uncaught error and leave this sink waiting.
    this.on('pipe', (source: NodeJS.ReadableStream) => {
      source.on('error', () => this.#resolve(false));
    });
  }

  /** Stops delivering: later data is dropped, `finished` resolves false. */
  stop(): void {
    this.#stopped = true;
    this.#resolve(false);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    this.#deliver(parts).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    this.#deliver(rest === '' ? [] : [rest]).then(() => callback(), callback);
  }

  async #deliver(raws: string[]): Promise<void> {
    for (const raw of raws) {
      if (this.#stopped) return;
      const parsed = parseTimestampedLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
      if (parsed === undefined) continue;
      const cursor = this.#cursor;
      if (parsed.key < cursor.lastKey) continue;
      if (parsed.key === cursor.lastKey) {
        // Lines with the cursor's timestamp: the first `atLastKey` of them were delivered already.
        if (this.#seenAtKey < cursor.atLastKey) {
          this.#seenAtKey++;
          continue;
        }
        cursor.atLastKey++;
        this.#seenAtKey++;
      } else {
        cursor.lastKey = parsed.key;
        cursor.atLastKey = 1;
        this.#seenAtKey = 1;
      }
      await this.#onLine({ ts: Number(parsed.key / 1_000_000n), stream: 'stdout', text: parsed.text });
    }
  }
}
