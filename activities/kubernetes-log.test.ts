import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { LogLineSink, parseTimestampedLine, type LogCursor } from './kubernetes-log.ts';
import type { LogLine } from '../contracts/logs.ts';

async function read(chunks: string[], cursor: LogCursor): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const sink = new LogLineSink(cursor, (l) => void lines.push(l));
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), sink);
  expect(await sink.finished).toBe(true);
  return lines;
}

describe('kubernetes log lines', () => {
  it('parses RFC3339Nano timestamps to ms and keeps the text after the first space', () => {
    expect(parseTimestampedLine('2026-01-02T03:04:05.123456789Z hello  world')).toEqual({
      key: BigInt(Date.parse('2026-01-02T03:04:05Z')) * 1_000_000n + 123_456_789n,
      text: 'hello  world',
    });
    expect(parseTimestampedLine('2026-01-02T03:04:05Z ')?.text).toBe('');
    expect(parseTimestampedLine('not a stamp')).toBeUndefined();
  });

  it('splits lines across chunks, keeps a last line without newline, and reports stream stdout', async () => {
    const cursor: LogCursor = { lastKey: -1n, atLastKey: 0 };
    const lines = await read(['2026-01-02T03:04:05.1Z a', 'b\n2026-01-02T03:04:05.2Z c\n2026-01-02T03:04:06Z tail'], cursor);
    expect(lines.map((l) => [l.text, l.stream])).toEqual([
      ['ab', 'stdout'],
      ['c', 'stdout'],
      ['tail', 'stdout'],
    ]);
    expect(lines[0]!.ts).toBe(Date.parse('2026-01-02T03:04:05.100Z'));
  });

  it('resumes after a reconnect without repeating lines, also among lines of one timestamp', async () => {
    const cursor: LogCursor = { lastKey: -1n, atLastKey: 0 };
    const all = ['2026-01-02T03:04:05.1Z one\n', '2026-01-02T03:04:05.2Z two\n', '2026-01-02T03:04:05.2Z two again\n', '2026-01-02T03:04:05.3Z three\n'];
    const first = await read(all.slice(0, 3), cursor);
    // The resumed stream starts at the second (sinceTime has second precision): it repeats the first lines.
    const second = await read(all, cursor);
    expect([...first, ...second].map((l) => l.text)).toEqual(['one', 'two', 'two again', 'three']);
  });
});
