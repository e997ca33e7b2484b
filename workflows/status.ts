/**
 * Building the status tree (contracts/run-status.ts) of a new run. Pure;
 * only the run workflow writes the tree.
 */
import type { FlowSpec } from '../flow/model.ts';
import type { RunStatus } from '../contracts/run-status.ts';

/** A fresh tree with everything pending. */
export function initialStatus(flow: FlowSpec, runId: string, number: number, flowVersion: number, now: string): RunStatus {
  return {
    runId,
    number,
    flowUri: flow.uri,
    flowVersion,
    state: 'running',
    startedAt: now,
    paused: false,
    continuedAsNew: 0,
    stages: flow.stages.map((s) => ({
      name: s.name,
      type: s.type,
      state: 'pending',
      actions: s.actions.map((a) => ({
        name: a.name,
        state: 'pending',
        jobs: a.jobs.map((j) => ({ name: j.name, path: j.path, state: 'pending', attempts: [], outputs: {}, warnings: [] })),
      })),
    })),
  };
}
