/** Values and small tools shared by the store suite's files (test/support/store-suite.ts). */
import type { LogLine, StoredLogLine } from '../../contracts/logs.ts';
import { parseFlow } from '../../flow/index.ts';
import type { CallbackTarget, SealedSecret, Store } from '../../store/store.ts';

export const RUN = 'team/app/build#1';
export const TS = Date.UTC(2025, 0, 1);

/** A flow file whose only job echoes `word`. */
export function flowSource(uri: string, word = 'one'): string {
  return `uri: ${uri}\nstages:\n  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "echo ${word}" } ] } ] }\n`;
}

export function applyFlow(store: Store, uri: string, word?: string): ReturnType<Store['applyFlow']> {
  const source = flowSource(uri, word);
  return store.applyFlow(parseFlow(source), source);
}

export function logLines(...texts: string[]): LogLine[] {
  return texts.map((text, i) => ({ ts: TS + i, stream: i % 2 === 0 ? 'stdout' : 'stderr', text }));
}

export function numbered(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function ascending(numbers: readonly number[]): number[] {
  return [...numbers].sort((a, b) => a - b);
}

export function texts(lines: readonly StoredLogLine[]): string[] {
  return lines.map((l) => l.text);
}

/** Waits until `done()` holds (5 s at most). */
export async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5_000; !done(); ) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads a follow to its end into `into`; resolves when the follow ended. */
export async function drain(follow: AsyncIterable<StoredLogLine>, into: StoredLogLine[]): Promise<void> {
  for await (const line of follow) into.push(line);
}

export function callbackTarget(jobPath = 'svc.a.call'): CallbackTarget {
  return { taskToken: new Uint8Array([7, 0, 255, 3]), runId: RUN, jobPath, attempt: 2 };
}

export function sealed(seed: number): SealedSecret {
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed + i) % 256);
  return { iv: bytes(12), data: bytes(5 + seed), tag: bytes(16) };
}

export function plain(secret: SealedSecret | undefined): { iv: number[]; data: number[]; tag: number[] } | undefined {
  return secret && { iv: [...secret.iv], data: [...secret.data], tag: [...secret.tag] };
}
