import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { DockerLogDecoder, parseTimestamp } from './line-splitter.ts';
import type { LogLine } from '../contracts/logs.ts';

const T1 = '2024-05-01T12:34:56.123456789Z';
const T2 = '2024-05-01T12:34:57.000000001Z';

function frame(stream: 1 | 2, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function decodeAll(chunks: Buffer[]): LogLine[] {
  const d = new DockerLogDecoder();
  return [...chunks.flatMap((c) => d.push(c)), ...d.end()];
}

describe('DockerLogDecoder', () => {
  it('demultiplexes streams and parses timestamps', () => {
    const lines = decodeAll([frame(1, `${T1} out\n`), frame(2, `${T2} err\r\n`)]);
    expect(lines).toEqual([
      { ts: Date.parse('2024-05-01T12:34:56.123Z'), stream: 'stdout', text: 'out' },
      { ts: Date.parse('2024-05-01T12:34:57.000Z'), stream: 'stderr', text: 'err' },
    ]);
  });

  it('reassembles frames split across chunks at any byte', () => {
    const all = Buffer.concat([frame(1, `${T1} héllo\n`), frame(2, `${T1} two\n`)]);
    for (let cut = 1; cut < all.length; cut++) {
      const lines = decodeAll([all.subarray(0, cut), all.subarray(cut)]);
      expect(lines.map((l) => l.text)).toEqual(['héllo', 'two']);
    }
  });

  it('joins partial messages of a stream and keeps the first timestamp', () => {
    const lines = decodeAll([frame(1, `${T1} abc`), frame(2, `${T2} other\n`), frame(1, `${T2} def\n`)]);
    expect(lines).toEqual([
      { ts: Date.parse(T2), stream: 'stderr', text: 'other' },
      { ts: Date.parse(T1), stream: 'stdout', text: 'abcdef' },
    ]);
  });

  it('delivers a final line without newline on end, and keeps empty lines', () => {
    const lines = decodeAll([frame(1, `${T1} \n`), frame(1, `${T1} last`)]);
    expect(lines.map((l) => l.text)).toEqual(['', 'last']);
  });

  it('joins a multi-byte character split between partial messages', () => {
    const e = Buffer.from('é');
    const lines = decodeAll([
      frame(1, Buffer.concat([Buffer.from(`${T1} a`), e.subarray(0, 1)])),
      frame(1, Buffer.concat([Buffer.from(`${T2} `), e.subarray(1), Buffer.from('b\n')])),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['aéb']);
  });
});

describe('parseTimestamp', () => {
  it('accepts RFC3339 with and without fraction or offset', () => {
    expect(parseTimestamp('2024-05-01T12:34:56Z')).toBe(Date.UTC(2024, 4, 1, 12, 34, 56));
    expect(parseTimestamp('2024-05-01T14:34:56.5+02:00')).toBe(Date.UTC(2024, 4, 1, 12, 34, 56, 500));
    expect(parseTimestamp('nonsense')).toBeUndefined();
  });
});
