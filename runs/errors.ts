/**
 * Errors of starting, reading and steering runs: what a caller asked for does
 * not fit the run's state. Each has a stable `name` and readonly data; the
 * API maps them to HTTP statuses in one place (api/errors.ts).
 */

/** No flow with this uri is stored. */
export class FlowNotFoundError extends Error {
  override readonly name = 'FlowNotFoundError';
  readonly uri: string;
  constructor(uri: string, version?: number) {
    super(`flow ${uri}${version === undefined ? '' : ` version ${version}`} not found`);
    this.uri = uri;
  }
}

/** No run with this id exists (in Temporal's retention). */
export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
  readonly runId: string;
  constructor(runId: string) {
    super(`run ${runId} not found`);
    this.runId = runId;
  }
}

/** The run has ended: only an open run can be paused, resumed, cancelled or decided on. */
export class RunNotOpenError extends Error {
  override readonly name = 'RunNotOpenError';
  readonly runId: string;
  readonly state: string;
  constructor(runId: string, state: string) {
    super(`run ${runId} has ended (${state}); only an open run can be steered`);
    this.runId = runId;
    this.state = state;
  }
}

/** The run is still open: it cannot be re-run yet. */
export class RunStillOpenError extends Error {
  override readonly name = 'RunStillOpenError';
  readonly runId: string;
  constructor(runId: string) {
    super(`run ${runId} is still open: cancel it or wait for its end before re-running it`);
    this.runId = runId;
  }
}

/** Temporal ended the run (terminated, timed out) before it could return its tree. */
export class RunEndedAbnormallyError extends Error {
  override readonly name = 'RunEndedAbnormallyError';
  readonly runId: string;
  readonly state: string;
  constructor(runId: string, state: string) {
    super(`run ${runId} ended as ${state} without a status`);
    this.runId = runId;
    this.state = state;
  }
}

/** `concurrency.onLimit: reject` and as many runs as the flow allows are open. */
export class ConcurrencyLimitError extends Error {
  override readonly name = 'ConcurrencyLimitError';
  readonly uri: string;
  readonly open: number;
  readonly max: number;
  constructor(uri: string, open: number, max: number) {
    super(`${open} runs of ${uri} are open and its concurrency allows ${max} (onLimit: reject)`);
    this.uri = uri;
    this.open = open;
    this.max = max;
  }
}

/** The run's flow has no stage of that name. */
export class StageNotFoundError extends Error {
  override readonly name = 'StageNotFoundError';
  readonly stage: string;
  constructor(runId: string, stage: string) {
    super(`stage ${stage} in run ${runId} not found`);
    this.stage = stage;
  }
}

/** A decision names a stage that is not an approval gate, or a gate that is not waiting. */
export class GateNotWaitingError extends Error {
  override readonly name = 'GateNotWaitingError';
  readonly stage: string;
  readonly code: 'not_a_gate' | 'gate_not_waiting';
  constructor(stage: string, code: 'not_a_gate' | 'gate_not_waiting', message: string) {
    super(message);
    this.stage = stage;
    this.code = code;
  }
}

/** The actor may not make this decision (not an approver, forbidSelfApproval, already decided). */
export class DecisionRefusedError extends Error {
  override readonly name = 'DecisionRefusedError';
  readonly user: string;
  constructor(user: string, reason: string) {
    super(reason);
    this.user = user;
  }
}

/** One problem with a run's inputs. */
export interface RunInputProblem {
  readonly input: string;
  readonly message: string;
}

/** A start's inputs do not fit the flow's `inputs:` (unknown, missing required, outside options): nothing started. */
export class RunInputsError extends Error {
  override readonly name = 'RunInputsError';
  readonly problems: readonly RunInputProblem[];
  constructor(problems: readonly RunInputProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.problems = problems;
  }
}

/** A manual run's `commit`/`repo` cannot be reported on (malformed, or the flow has no `report:` for that forge): nothing started. */
export class ReportRequestError extends Error {
  override readonly name = 'ReportRequestError';
}
