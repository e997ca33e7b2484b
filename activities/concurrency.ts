/**
 * Flow `concurrency`: how many runs of a flow may be open at once. Runs take
 * their turn by run number (first come, first served): a run proceeds when
 * fewer than `max` older runs of its flow are still open, as Temporal's
 * visibility sees them — so every way a run starts (API, webhook, schedule,
 * re-run) obeys the same limit, across any number of API servers.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { OnLimit } from '../flow/model.ts';
import { parseRunId } from '../contracts/run-id.ts';
import { RUN_SEARCH_ATTRIBUTES as A } from '../contracts/search-attributes.ts';

export interface ConcurrencyDeps {
  readonly temporal: Client;
  /** How often a queued run looks again (ms). */
  readonly pollMs?: number;
}

export interface SlotRequest {
  readonly flowUri: string;
  readonly runId: string;
  readonly number: number;
  readonly max: number;
  readonly onLimit: OnLimit;
}

export interface SlotResult {
  /** `acquired`: go on; `rejected`: the limit was reached and the flow says reject. */
  readonly outcome: 'acquired' | 'rejected';
  /** Runs this one cancelled (`cancel-previous`). */
  readonly cancelled: readonly string[];
  /** Older runs still open when this one asked. */
  readonly openBefore: number;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function createConcurrencyActivities(deps: ConcurrencyDeps) {
  const { temporal, pollMs = 1_000 } = deps;
  const olderOpen = `${A.flow.name} = `;

  /** Open runs of the flow that started before `number`, oldest first. */
  async function openOlder(req: SlotRequest): Promise<{ id: string; number: number }[]> {
    const query = `${olderOpen}${quote(req.flowUri)} AND ExecutionStatus = 'Running' AND ${A.number.name} < ${req.number}`;
    const runs: { id: string; number: number }[] = [];
    for await (const wf of temporal.workflow.list({ query })) {
      runs.push({ id: wf.workflowId, number: parseRunId(wf.workflowId)?.number ?? 0 });
    }
    return runs.sort((a, b) => a.number - b.number);
  }

  async function claimConcurrencySlot(req: SlotRequest): Promise<SlotResult> {
    const ctx = Context.current();
    let older = await openOlder(req);
    const openBefore = older.length;
    if (older.length < req.max) return { outcome: 'acquired', cancelled: [], openBefore };
    if (req.onLimit === 'reject') return { outcome: 'rejected', cancelled: [], openBefore };
    const cancelled: string[] = [];
    if (req.onLimit === 'cancel-previous') {
      // Keep the newest max-1 older runs; cancel the rest (their `end` jobs still run).
      for (const run of older.slice(0, older.length - (req.max - 1))) {
        await temporal.workflow.getHandle(run.id).cancel();
        cancelled.push(run.id);
      }
    }
    for (;;) {
      ctx.heartbeat({ waitingFor: older.map((r) => r.id) });
      await ctx.sleep(pollMs);
      older = await openOlder(req);
      if (older.length < req.max) return { outcome: 'acquired', cancelled, openBefore };
    }
  }

  return { claimConcurrencySlot };
}

export type ConcurrencyActivities = ReturnType<typeof createConcurrencyActivities>;
