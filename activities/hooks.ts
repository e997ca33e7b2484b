/**
 * The Lua hook activities. `pre` runs as an activity of its own (the
 * workflow calls it once per job, before the attempts, and every attempt
 * reuses its recorded result); `post` runs inside the job activity after a
 * successful attempt (see run-job.ts), so it sees the outputs as printed.
 * Hook log lines go to the job's log: `pre` as attempt 0, `post` in the attempt's log.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { LogStore } from '../store/store.ts';
import { runPreHook as runPre } from './lua/hooks.ts';
import type { LuaRunOptions } from './lua/run-hook.ts';
import { FAILURE_TYPES, type PreHookInput, type PreHookResult } from '../contracts/job-attempt.ts';
import { PRE_HOOK_ATTEMPT } from '../contracts/logs.ts';

export interface HookActivityDeps {
  readonly logs: LogStore;
  /** Limits and the HTTP allow-list of Lua hooks. */
  readonly lua?: Omit<LuaRunOptions, 'onLog'>;
}

export function createHookActivities(deps: HookActivityDeps) {
  const { logs, lua = {} } = deps;

  async function runPreHook(input: PreHookInput): Promise<PreHookResult> {
    const lines: string[] = [];
    const outcome = await runPre(input.source, input.inputs, { runId: input.runId, jobPath: input.jobPath, jobName: input.jobName }, { ...lua, onLog: (l) => lines.push(l) });
    // A retried activity stores the same lines at the same seqs: nothing is duplicated.
    await logs.appendLogs(input.runId, input.jobPath, PRE_HOOK_ATTEMPT, 1, lines.map((text) => ({ ts: Date.now(), stream: 'stdout' as const, text: `[pre] ${text}` })));
    if (!outcome.ok) throw ApplicationFailure.nonRetryable(outcome.message, FAILURE_TYPES.hookFailed);
    return { inputs: outcome.values };
  }

  return { runPreHook };
}

export type HookActivities = ReturnType<typeof createHookActivities>;
