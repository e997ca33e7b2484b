/**
 * The activity behind scheduled runs: claims the run number of one schedule
 * action and pins the flow's latest version (components resolved).
 */
import type { Catalog } from '../components/catalog.ts';
import { prepareRun } from '../store/run-input.ts';
import type { FlowStore } from '../store/types.ts';
import type { RunInput } from '../workflows/context.ts';

export interface ScheduleActivityDeps {
  readonly store: FlowStore;
  readonly catalog: Catalog;
  /** Called once per run actually started (not on a retried claim). */
  readonly onRunStarted?: () => void;
}

export interface ScheduleActivities {
  prepareScheduledRun(request: { flowUri: string; key: string; scheduledAt: string }): Promise<RunInput | null>;
}

export function createScheduleActivities(deps: ScheduleActivityDeps): ScheduleActivities {
  return {
    prepareScheduledRun({ flowUri, key, scheduledAt }) {
      const prepared = prepareRun(deps.store, deps.catalog, {
        uri: flowUri,
        deliveryKey: key,
        trigger: { kind: 'schedule', event: 'schedule', actor: 'schedule', scheduledAt },
      });
      if (prepared?.fresh) deps.onRunStarted?.();
      return Promise.resolve(prepared?.input ?? null);
    },
  };
}
