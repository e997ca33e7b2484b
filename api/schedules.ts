/**
 * A flow's `schedule` triggers as Temporal Schedules, kept in step on every
 * apply: created, updated, or deleted when the trigger is gone. Schedule ids
 * are `coflow:<uri>:schedule-<n>` (n from 1 in trigger order); extra ones are
 * found by id, not through visibility, so a delete right after a create works.
 *
 * Overlap follows `concurrency` (max 1): queue → BUFFER_ONE, cancel-previous →
 * CANCEL_OTHER, reject → SKIP; without a limit of one, ALLOW_ALL. The catch-up
 * window is explicit: after an outage, actions missed in the last 10 minutes still run.
 */
import { ScheduleNotFoundError, type ScheduleOptionsAction, type ScheduleOverlapPolicy } from '@temporalio/client';
import type { FlowSpec, OnLimit, ScheduleTrigger } from '../flow/model.ts';
import { SCHEDULED_RUN_WORKFLOW, type ScheduledRunWorkflow } from '../contracts/workflows.ts';
import type { ApiDeps } from './context.ts';

const CATCHUP_WINDOW = '10 minutes';

const scheduleIdOf = (uri: string, n: number): string => `coflow:${uri}:schedule-${n}`;

/** What a schedule does when its previous run is still open, by the flow's `concurrency.onLimit` (max 1). */
const OVERLAP_BY_ON_LIMIT: Readonly<Record<OnLimit, ScheduleOverlapPolicy>> = { queue: 'BUFFER_ONE', 'cancel-previous': 'CANCEL_OTHER', reject: 'SKIP' };

/** The overlap policy of a flow's schedules. */
function overlapPolicy(flow: FlowSpec): ScheduleOverlapPolicy {
  const c = flow.concurrency;
  if (c === undefined || c.max !== 1) return 'ALLOW_ALL';
  return OVERLAP_BY_ON_LIMIT[c.onLimit];
}

/** Creates, updates and deletes the flow's schedules; returns the ids kept. */
export async function syncSchedules(deps: ApiDeps, flow: FlowSpec): Promise<string[]> {
  const client = deps.temporal.schedule;
  const wanted = (flow.triggers ?? []).filter((t): t is ScheduleTrigger => t.kind === 'schedule');
  const overlap = overlapPolicy(flow);
  const action = (id: string): ScheduleOptionsAction & { workflowType: string } => ({
    type: 'startWorkflow',
    workflowType: SCHEDULED_RUN_WORKFLOW,
    workflowId: `${id}-run`,
    taskQueue: deps.taskQueue,
    args: [{ flowUri: flow.uri }] satisfies Parameters<ScheduledRunWorkflow>,
  });
  const ids: string[] = [];
  for (const [i, trigger] of wanted.entries()) {
    const scheduleId = scheduleIdOf(flow.uri, i + 1);
    ids.push(scheduleId);
    const spec = { cronExpressions: [trigger.cron], timezone: trigger.timezone };
    const policies = { overlap, catchupWindow: CATCHUP_WINDOW, pauseOnFailure: false };
    const memo = { coflowFlow: flow.uri };
    try {
      await client.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action: action(scheduleId), policies }));
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      await client.create({ scheduleId, spec, action: action(scheduleId), policies, memo });
    }
  }
  // Schedules past the wanted ones belong to triggers that were removed.
  for (let n = wanted.length + 1; ; n++) {
    try {
      await client.getHandle(scheduleIdOf(flow.uri, n)).delete();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) break;
      throw err;
    }
  }
  return ids;
}
