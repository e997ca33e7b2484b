/**
 * Decoding of the Docker Engine's multiplexed log stream (`logs` with
 * `timestamps: true`, no TTY) into complete, timestamped lines.
 *
 * Wire format: frames of an 8-byte header (byte 0 = stream: 1 stdout,
 * 2 stderr, 3 daemon error; bytes 4–7 = big-endian payload length) followed by
 * the payload. Each frame is one log message prefixed with its RFC3339Nano
 * timestamp and a space. A message without a trailing newline is a partial
 * line — the daemon splits lines over 16 KiB, and a final line may lack one —
 * so its continuation arrives in the next frame of the same stream, with a
 * timestamp of its own that we drop: a line carries its first chunk's time.
 */
import { Buffer } from 'node:buffer';
import type { LogLine, LogStream } from '../contracts/logs.ts';

const HEADER_BYTES = 8;
const NEWLINE = 0x0a;

interface PendingLine {
  ts: number;
  chunks: Buffer[];
}

/** Splits one Docker log stream into {@link LogLine}s. Feed chunks with `push`, then call `end`. */
export class DockerLogDecoder {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #pending = new Map<LogStream, PendingLine>();

  /** Consume one chunk of the HTTP body; returns the lines it completed, in order. */
  push(chunk: Uint8Array): LogLine[] {
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffer, chunk]);
    const lines: LogLine[] = [];
    while (this.#buffer.length >= HEADER_BYTES) {
      const size = this.#buffer.readUInt32BE(4);
      if (this.#buffer.length < HEADER_BYTES + size) break;
      const stream: LogStream = this.#buffer[0] === 1 ? 'stdout' : 'stderr';
      const payload = this.#buffer.subarray(HEADER_BYTES, HEADER_BYTES + size);
      this.#buffer = this.#buffer.subarray(HEADER_BYTES + size);
      this.#frame(stream, payload, lines);
    }
    return lines;
  }

  /** The stream ended: flush partial lines (a last line without newline is still a line). */
  end(): LogLine[] {
    const lines: LogLine[] = [];
    for (const [stream, pending] of this.#pending) {
      lines.push({ ts: pending.ts, stream, text: decodeLine(pending.chunks) });
    }
    this.#pending.clear();
    this.#buffer = Buffer.alloc(0);
    return lines;
  }

  #frame(stream: LogStream, frame: Buffer, out: LogLine[]): void {
    const { ts, body } = splitTimestamp(frame);
    let payload = body;
    while (payload.length > 0) {
      const pending = this.#pending.get(stream);
      const nl = payload.indexOf(NEWLINE);
      const piece = nl < 0 ? payload : payload.subarray(0, nl);
      // Copy: the frame buffer is reused by later concatenations.
      const chunks = pending ? [...pending.chunks, Buffer.from(piece)] : [Buffer.from(piece)];
      if (nl < 0) {
        this.#pending.set(stream, { ts: pending?.ts ?? ts, chunks });
        return;
      }
      this.#pending.delete(stream);
      out.push({ ts: pending?.ts ?? ts, stream, text: decodeLine(chunks) });
      payload = payload.subarray(nl + 1);
    }
  }
}

/** Decode a line's bytes, dropping the `\r` of a `\r\n` ending. */
function decodeLine(chunks: Buffer[]): string {
  const text = Buffer.concat(chunks).toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/**
 * Split `2024-05-01T12:34:56.123456789Z rest` into ms epoch and rest. A frame
 * without a parseable timestamp (not expected from dockerd) gets the local time.
 */
function splitTimestamp(frame: Buffer): { ts: number; body: Buffer } {
  const space = frame.indexOf(0x20);
  // RFC3339Nano is at most 35 bytes; look no further.
  if (space > 0 && space <= 40) {
    const ts = parseTimestamp(frame.subarray(0, space).toString('latin1'));
    if (ts !== undefined) return { ts, body: frame.subarray(space + 1) };
  }
  return { ts: Date.now(), body: frame };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Parse an RFC3339(Nano) timestamp to ms since the epoch (sub-ms digits are dropped). */
export function parseTimestamp(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
