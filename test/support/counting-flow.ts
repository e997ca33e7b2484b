/**
 * A one-job flow whose component prints `line 1` … `line N`, one every
 * `intervalS` seconds: the tests that interrupt something mid-job count on it,
 * and check that every line was stored once, in order.
 */
import { expect } from 'vitest';
import type { RunInput } from '../../contracts/run-input.ts';
import { parseFlow } from '../../flow/index.ts';
import type { Store } from '../../store/store.ts';

export function countingFlow(uri: string, lines: number, intervalS: number): string {
  return `
uri: ${uri}
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: count
            endpoint: coflow/shell:1.0.0
            script: 'i=1; while [ $i -le ${lines} ]; do echo "line $i"; i=$((i+1)); sleep ${intervalS}; done'
`;
}

/** The workflow input of run #1 of the counting flow, for tests that start `runFlow` themselves. */
export function countingRun(uri: string, lines: number, intervalS: number): RunInput {
  return { runId: `${uri}#1`, number: 1, flowVersion: 1, flow: parseFlow(countingFlow(uri, lines, intervalS)) };
}

/** Resolves once `n` lines of the run are stored. */
export async function waitForLines(store: Store, runId: string, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await store.readLogs({ runId, limit: 10_000 })).lines.length < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} log lines stored for ${runId} after 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every line the counting job printed is stored once, in order, numbered from 1. */
export async function expectCountedLog(store: Store, runId: string, lines: number): Promise<void> {
  const stored = (await store.readLogs({ runId, limit: 10_000 })).lines;
  expect(stored.map((l) => l.text)).toEqual(Array.from({ length: lines }, (_, i) => `line ${i + 1}`));
  expect(stored.map((l) => l.seq)).toEqual(Array.from({ length: lines }, (_, i) => i + 1));
}
