/** Bounded output of a workspace helper: the first bytes are kept, the rest is counted and said. */
import type { Readable } from 'node:stream';

/** At most this much of each stream comes back (a manifest bigger than this is refused as cut). */
export const EXEC_OUTPUT_LIMIT = 4 * 1024 * 1024;

export class OutputTooLongError extends Error {
  override readonly name = 'OutputTooLongError';
}

/** Collects a stream up to `limit` bytes; rejects when it had more (a cut manifest must not be applied). */
export function boundedText(stream: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      if (size > limit) reject(new OutputTooLongError(`the workspace helper wrote ${size} bytes, more than the ${limit} kept`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** The run's workspace no longer exists (the run's retention removed it): reading from it cannot succeed later. */
export class WorkspaceGoneError extends Error {
  override readonly name = 'WorkspaceGoneError';
}
