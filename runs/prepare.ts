/**
 * Turns "run flow X because of Y" into a run's input: the latest flow version
 * (components pinned to images) and a run number. Every way a run starts goes
 * through here: the API (manual runs, webhooks), schedules (an activity), and
 * re-runs (which keep their original's pinned flow and commit-status target).
 */
import { resolveComponents, type Catalog } from '../components/catalog.ts';
import { runIdOf } from '../contracts/run-id.ts';
import type { JobOutputs, RunInput } from '../contracts/run-input.ts';
import type { TriggerContext } from '../contracts/triggers.ts';
import { parseFlow } from '../flow/index.ts';
import type { FlowSpec } from '../flow/model.ts';
import { resolveRunInputs, type GivenInputs } from './inputs.ts';
import { resolveReportTarget, type ReportRequest } from './report-target.ts';
import type { FlowStore, RunNumberStore, StoredFlow } from '../store/store.ts';

export interface PrepareDeps {
  readonly store: FlowStore & RunNumberStore;
  readonly catalog: Catalog;
}

export interface RunRequest {
  readonly uri: string;
  readonly trigger: TriggerContext;
  /**
   * Idempotency key of the event (webhook delivery, schedule action): every
   * request with the same key gets the same run number, hence the same workflow id.
   */
  readonly deliveryKey?: string;
  /** The flow inputs' values a person gave (manual runs); the others take their defaults. */
  readonly inputs?: GivenInputs;
  /** Commit statuses to report (runs/report-target.ts); absent: the run reports nothing. */
  readonly report?: ReportRequest;
  /** Why the run's jobs may not read secrets (a pull request from a fork, api/webhooks/hygiene.ts). */
  readonly secretsWithheld?: string;
}

export interface PreparedRun {
  readonly input: RunInput;
  /** False when the delivery key was seen before: this is a redelivery. */
  readonly fresh: boolean;
}

/**
 * The stored flow as a run pins it. Versions applied before `receivers` were
 * read into the model have them only in their source (applying the same file
 * again changes nothing): they are read from it here, so that they are not
 * ignored; one that no longer validates refuses the run (FlowValidationError).
 */
export function pinnedSpec(stored: StoredFlow): FlowSpec {
  if (stored.spec.receivers !== undefined || !/^receivers[ \t]*:/m.test(stored.source)) return stored.spec;
  const { receivers } = parseFlow(stored.source);
  return receivers === undefined ? stored.spec : { ...stored.spec, receivers };
}

/**
 * The run's input from a stored flow. Throws ComponentNotFoundError for a component the
 * catalog lacks, RunInputsError for inputs that do not fit the flow's.
 */
export async function prepareRun(deps: PrepareDeps, stored: StoredFlow, request: RunRequest): Promise<PreparedRun> {
  const flow = resolveComponents(pinnedSpec(stored), deps.catalog);
  const inputs = resolveRunInputs(flow, request.inputs); // RunInputsError before a number is taken
  if (request.report !== undefined) resolveReportTarget(flow, 0, request.report); // ReportRequestError, likewise
  const { number, fresh } = request.deliveryKey === undefined
    ? { number: await deps.store.nextRunNumber(request.uri), fresh: true }
    : await deps.store.claimRunNumber(request.uri, request.deliveryKey);
  const input: RunInput = {
    runId: runIdOf(request.uri, number),
    number,
    flowVersion: stored.version,
    flow,
    trigger: request.trigger,
    ...(inputs === undefined ? {} : { inputs }),
    ...(request.report === undefined ? {} : { report: resolveReportTarget(flow, number, request.report) }),
    ...(request.trigger.actor !== undefined ? { triggeredBy: request.trigger.actor } : {}),
    ...(request.secretsWithheld !== undefined ? { secretsWithheld: request.secretsWithheld } : {}),
  };
  return { input, fresh };
}

/**
 * A re-run's input: the original's pinned flow, trigger and inputs under a new
 * number, reusing `reuse` (the outputs of the jobs that succeeded).
 */
export async function prepareRerun(store: RunNumberStore, original: RunInput, reuse: JobOutputs, user: string): Promise<RunInput> {
  const uri = original.flow.uri;
  const number = await store.nextRunNumber(uri);
  const { carried: _carried, reuse: _reuse, rerunOf: _rerunOf, report, ...rest } = original;
  // The same commit and connection; the link goes to the re-run's own page.
  const rerunReport = report === undefined ? {} : { report: { ...report, targetUrl: report.targetUrl.replace(/\/\d+$/, `/${number}`) } };
  return { ...rest, ...rerunReport, runId: runIdOf(uri, number), number, rerunOf: original.runId, reuse, triggeredBy: user };
}
