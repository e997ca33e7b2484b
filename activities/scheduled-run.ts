/**
 * The activity behind scheduled runs: claims the run number of one schedule
 * action and pins the flow's latest version (components resolved), through
 * the run preparation every start path shares (runs/prepare.ts).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { FAILURE_TYPES } from '../contracts/job-attempt.ts';
import type { RunInput } from '../contracts/run-input.ts';
import { FlowValidationError } from '../flow/index.ts';
import { prepareRun, type PrepareDeps } from '../runs/prepare.ts';

export interface ScheduleActivityDeps extends PrepareDeps {
  /** Called once per run actually started (not on a retried claim). */
  readonly onRunStarted?: () => void;
}

export function createScheduleActivities(deps: ScheduleActivityDeps) {
  return {
    /** The run's input, or null when the flow no longer exists. */
    async prepareScheduledRun({ flowUri, key, scheduledAt }: { flowUri: string; key: string; scheduledAt: string }): Promise<RunInput | null> {
      const stored = await deps.store.getFlow(flowUri);
      if (stored === undefined) return null;
      const trigger = { kind: 'schedule', event: 'schedule', actor: 'schedule', scheduledAt } as const;
      let prepared;
      try {
        prepared = await prepareRun(deps, stored, { uri: flowUri, deliveryKey: key, trigger });
      } catch (err) {
        // A stored version that no longer validates will not on the next try either.
        if (err instanceof FlowValidationError) throw ApplicationFailure.nonRetryable(`flow ${flowUri}: ${err.message}`, FAILURE_TYPES.badInput);
        throw err;
      }
      if (prepared.fresh) deps.onRunStarted?.();
      return prepared.input;
    },
  };
}

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
