/**
 * Starts a run's workflow. The workflow id is the run id (`<uri>#<number>`);
 * a redelivered event resolves to the same number (the store's delivery
 * claim), and Temporal's workflow-id rules make every start of that id after
 * the first a no-op: USE_EXISTING while it runs, REJECT_DUPLICATE once it
 * closed. However many API servers receive the same delivery at once, one
 * workflow starts.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FlowSpec } from '../flow/model.ts';
import type { StoredFlow } from '../store/store.ts';
import type { RunInput } from '../contracts/run-input.ts';
import { RUN_SEARCH_ATTRIBUTES, startingSearchAttributes } from '../contracts/search-attributes.ts';
import type { TriggerContext, TriggerKind } from '../contracts/triggers.ts';
import { RUN_WORKFLOW, type RunWorkflow } from '../contracts/workflows.ts';
import { ConcurrencyLimitError, FlowNotFoundError } from './errors.ts';
import { prepareRun, type PrepareDeps, type RunRequest } from './prepare.ts';

export interface StartDeps extends PrepareDeps {
  readonly temporal: Client;
  readonly taskQueue: string;
  /** Called once per run actually started (not for a redelivery). */
  readonly onStarted?: (trigger: TriggerKind) => void;
}

export interface StartedRun {
  readonly runId: string;
  readonly number: number;
  readonly flowUri: string;
  readonly flowVersion: number;
  /** True when this request repeated an earlier delivery: nothing new started. */
  readonly duplicate: boolean;
}

/**
 * Starts that answer a person (manual, re-run) refuse at once past a
 * `reject` concurrency limit. The run workflow checks again when it starts
 * (the authority, for webhooks and schedules too): two starts racing past
 * this check still end with one of them rejected.
 */
const ANSWERS_CALLER: readonly TriggerKind[] = ['manual', 'rerun'];

/**
 * Starts (or finds, for a redelivery) the run a request asks for. `stored`:
 * the flow's latest version when the caller read it already (a webhook,
 * whose triggers were checked against it): the run pins that version.
 */
export async function startRun(deps: StartDeps, request: RunRequest, stored?: StoredFlow): Promise<StartedRun> {
  stored ??= await deps.store.getFlow(request.uri);
  if (!stored) throw new FlowNotFoundError(request.uri);
  await refuseOverLimit(deps, stored.spec, request.trigger.kind);
  const { input, fresh } = await prepareRun(deps, stored, request);
  return startPrepared(deps, input, { fresh, trigger: request.trigger });
}

/**
 * Starts a prepared run (a re-run, or one from {@link startRun}). `trigger`
 * is what started it, as the run list shows it (a re-run keeps its
 * original's event in its input, for expressions, but was started by a re-run).
 */
export async function startPrepared(deps: Pick<StartDeps, 'temporal' | 'taskQueue' | 'onStarted'>, input: RunInput, options: { fresh: boolean; trigger: TriggerContext }): Promise<StartedRun> {
  const { trigger } = options;
  let duplicate = !options.fresh;
  try {
    await deps.temporal.workflow.start<RunWorkflow>(RUN_WORKFLOW, {
      taskQueue: deps.taskQueue,
      workflowId: input.runId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: startingSearchAttributes({ flowUri: input.flow.uri, number: input.number, trigger }),
    });
  } catch (err) {
    // Closed already: the delivery's run happened; this is a redelivery.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    duplicate = true;
  }
  if (!duplicate) deps.onStarted?.(trigger.kind);
  return { runId: input.runId, number: input.number, flowUri: input.flow.uri, flowVersion: input.flowVersion, duplicate };
}

/** Throws ConcurrencyLimitError when a start that answers a person would pass a `reject` limit. */
export async function refuseOverLimit(deps: Pick<StartDeps, 'temporal'>, flow: FlowSpec, kind: TriggerKind): Promise<void> {
  const limit = flow.concurrency;
  if (limit?.onLimit !== 'reject' || !ANSWERS_CALLER.includes(kind)) return;
  const uri = flow.uri.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const { count } = await deps.temporal.workflow.count(`${RUN_SEARCH_ATTRIBUTES.flow.name} = '${uri}' AND ExecutionStatus = 'Running'`);
  if (count >= limit.max) throw new ConcurrencyLimitError(flow.uri, count, limit.max);
}
