/**
 * Building the status tree (contracts/run-status.ts) of a new run. Pure;
 * only the run workflow writes the tree.
 */
import type { FlowSpec } from '../flow/model.ts';
import type { RunInput } from '../contracts/run-input.ts';
import type { RunStatus, TriggerSummary } from '../contracts/run-status.ts';
import type { TriggerContext } from '../contracts/triggers.ts';

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

/** The short form of a trigger context kept in the tree (no payload, no file lists). */
export function triggerSummary(t: TriggerContext): TriggerSummary {
  const message = t.message?.split('\n')[0]?.slice(0, 200);
  return {
    kind: t.kind, event: t.event,
    ...(t.actor ? { actor: t.actor } : {}), ...(t.branch ? { branch: t.branch } : {}), ...(t.tag ? { tag: t.tag } : {}),
    ...(t.commit ? { commit: t.commit } : {}), ...(message ? { message } : {}),
  };
}

/** The tree an execution starts from: the carried one, or a fresh one where a re-run marks the reused jobs as succeeded. */
export function startingStatus(input: RunInput, now: string): RunStatus {
  if (input.carried) return input.carried.status;
  const status = initialStatus(input.flow, input.runId, input.number, input.flowVersion, now);
  if (input.triggeredBy !== undefined) status.triggeredBy = input.triggeredBy;
  if (input.rerunOf !== undefined) status.rerunOf = input.rerunOf;
  if (input.inputs !== undefined) status.inputs = input.inputs;
  if (input.trigger !== undefined) status.trigger = triggerSummary(input.trigger);
  if (input.secretsWithheld !== undefined) status.secretsWithheld = input.secretsWithheld;
  for (const [si, stage] of input.flow.stages.entries()) {
    if (stage.type === 'end') continue; // `end` jobs always run again
    for (const [ai, action] of stage.actions.entries()) {
      for (const [ji, job] of action.jobs.entries()) {
        const reused = input.reuse?.[job.path];
        if (reused === undefined) continue;
        const js = status.stages[si]!.actions[ai]!.jobs[ji]!;
        js.state = 'succeeded';
        js.outputs = { ...reused };
        js.reusedFrom = input.rerunOf;
      }
    }
  }
  return status;
}
