/**
 * A worker that goes away mid-job, on any runner: killed outright (SIGKILL)
 * or shut down gracefully (SIGTERM, which drains: the job's container is left
 * running for the next worker). A second worker takes the retried activity
 * and re-attaches. A user sees the job complete once, one container (or Pod)
 * for the attempt, and every line printed stored once, in order.
 * test/durability.test.ts runs it on docker, test/kubernetes/worker-drain.test.ts
 * on kubernetes.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { RunStatus } from '../../contracts/run-status.ts';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { waitForTemporal } from '../../worker/connect.ts';
import { countingRun, expectCountedLog, waitForLines } from './counting-flow.ts';
import { exited, startWorkerProcess, stderrOf, waitForOutput } from './worker-process.ts';

/** What the runtime shows of one run's containers or Pods. */
export interface RunCensus {
  /** Ids (container ids, Pod UIDs) of every container created for the run since the census began, removed ones included. */
  created(): Promise<string[]>;
  /** Ids of those that exist now, in any state. */
  existing(): Promise<string[]>;
  stop(): void;
}

/** What differs between runners. */
export interface WorkerLossTarget {
  /** Runner name, for run ids and task queues. */
  readonly kind: string;
  /** Environment of the worker processes that selects and configures the runner. */
  readonly workerEnv: Readonly<Record<string, string>>;
  /** Starts counting a run's containers; called before the run starts. */
  census(runId: string): Promise<RunCensus>;
}

const LINES = 30;
const INTERVAL_S = 0.3;

/** Defines the worker-loss tests for the given signals against one runner. */
export function workerLossSuite(target: WorkerLossTarget, signals: readonly ('SIGKILL' | 'SIGTERM')[]): void {
  const dir = mkdtempSync(join(tmpdir(), `coflow-worker-loss-${target.kind}-`));
  const children: ChildProcess[] = [];
  const label = { SIGKILL: 'is killed with SIGKILL', SIGTERM: 'shuts down gracefully (SIGTERM)' } as const;
  describe(`a worker on the ${target.kind} runner that goes away mid-job`, () => {
    afterEach(() => {
      for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(signals.map((s) => [label[s], s] as const))('%s: the retried activity re-attaches to the same container and the job completes once', async (_label, signal) => {
      const taskQueue = `worker-loss-${target.kind}-${signal}-${Date.now()}`;
      const dataDir = join(dir, taskQueue);
      const start = (): ChildProcess => {
        const child = startWorkerProcess({ temporalAddress: inject('temporalAddress'), taskQueue, dataDir, env: target.workerEnv });
        children.push(child);
        return child;
      };
      const first = start();
      await waitForOutput(first, 'polling');
      const store = await openSqliteStore(join(dataDir, 'coflow.db'));
      const connection = await waitForTemporal({ temporalAddress: inject('temporalAddress'), namespace: 'default' });
      const input = countingRun(`test/worker-loss/${target.kind}-${signal.toLowerCase()}-${Date.now()}`, LINES, INTERVAL_S);
      const census = await target.census(input.runId);
      try {
        const handle = await new Client({ connection }).workflow.start('runFlow', { taskQueue, workflowId: input.runId, args: [input] });

        await waitForLines(store, input.runId, 5);
        first.kill(signal);
        await exited(first);
        // A graceful stop hands the job over without a stack trace on the worker's stderr.
        if (signal === 'SIGTERM') expect(stderrOf(first)).not.toMatch(/^\s+at \S/m);
        // The container outlived its worker (it may have finished meanwhile: the retry reads its exit).
        const left = await census.existing();
        expect(left).toHaveLength(1);

        const second = start();
        const status = (await handle.result()) as RunStatus;
        expect(status.state).toBe('succeeded');
        expect(status.stages[0]!.actions[0]!.jobs[0]!.attempts.map((a) => a.state)).toEqual(['succeeded']);
        expect(await census.created()).toEqual(left);
        expect(await census.existing()).toEqual([]);
        await expectCountedLog(store, input.runId, LINES);

        second.kill('SIGTERM');
        await exited(second);
      } finally {
        census.stop();
        await store.close();
        await connection.close();
      }
    });
  });
}
