/**
 * API errors and the one place that maps errors to HTTP responses:
 * `{ "error": { "code", "message", "details" } }`. Routes throw an ApiError
 * with a code, or let a typed error of a lower layer through; the status is
 * chosen here, from the code or the error's class, and nowhere else.
 */
import type { Context } from 'hono';
import { isGrpcServiceError } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ComponentNotFoundError, ComponentUseError } from '../components/errors.ts';
import { DoraQueryError } from '../dora/index.ts';
import { FlowValidationError } from '../flow/errors.ts';
import { EnvironmentsValidationError } from '../flow/parse-environments.ts';
import {
  ConcurrencyLimitError,
  DecisionRefusedError,
  FlowNotFoundError,
  GateNotWaitingError,
  RunEndedAbnormallyError,
  ReportRequestError,
  RunInputsError,
  RunNotFoundError,
  RunNotOpenError,
  RunStillOpenError,
  StageNotFoundError,
} from '../runs/errors.ts';
import { SecretNameError } from '../store/errors.ts';
import { DeploymentActionError } from '../runs/deployments.ts';
import type { DeliveryResult } from './webhooks/delivery-results.ts';

/** Every error code the API answers with, and its status. */
const ERROR_STATUS = {
  invalid_request: 400,
  bad_request: 400,
  bad_json: 400,
  empty_body: 400,
  bad_cursor: 400,
  bad_time_range: 400,
  bad_callback: 400,
  bad_payload: 400,
  no_event: 400,
  bad_delivery_id: 400,
  bad_secret_name: 400,
  unauthorized: 401,
  bad_signature: 401,
  forbidden: 403,
  csrf: 403,
  decision_refused: 403,
  not_found: 404,
  no_trigger: 404,
  run_not_open: 409,
  run_open: 409,
  run_ended_abnormally: 409,
  not_a_gate: 409,
  gate_not_waiting: 409,
  concurrency_limit: 409,
  not_restorable: 409,
  step_not_waiting: 409,
  callback_used: 409,
  callback_expired: 409,
  no_secret_store: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  invalid_flow: 422,
  invalid_environments: 422,
  component_not_found: 422,
  invalid_component_use: 422,
  invalid_inputs: 422,
  invalid_report: 400,
  unknown_environment: 422,
  unknown_deployment: 422,
  invalid_query: 422,
  internal: 500,
  temporal_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ApiErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly details: unknown;
  constructor(code: ApiErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }
  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string): ApiError => new ApiError('not_found', `${what} not found`);

/** A configured token entry (COFLOW_TOKENS, COFLOW_TOKENS_FILE) is wrong; the message names it, never the token. */
export class TokenConfigError extends Error {
  override readonly name = 'TokenConfigError';
}

/** A webhook delivery refused before a run could start: `result` is its metrics label, `error` the answer. */
export class DeliveryRefusedError extends Error {
  override readonly name = 'DeliveryRefusedError';
  readonly result: DeliveryResult;
  readonly error: ApiError;
  constructor(result: DeliveryResult, error: ApiError) {
    super(error.message);
    this.result = result;
    this.error = error;
  }
}

/** gRPC's UNAVAILABLE: no connection to the Temporal frontend (refused, reset, not yet back). */
const GRPC_UNAVAILABLE = 14;

/**
 * The gRPC error, on `err` or down its causes, that says Temporal cannot be
 * reached (the client wraps it in a ServiceError or a workflow error); once
 * the client's retries are spent, a request answers 503 `temporal_unavailable`.
 */
function temporalUnavailable(err: unknown): Error | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && (e.code as number) === GRPC_UNAVAILABLE) return e;
  }
  return undefined;
}

/** The code, message and details a typed error of a lower layer answers with; undefined for an unexpected error. */
function translate(err: Error): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof FlowValidationError) return new ApiError('invalid_flow', err.message, { issues: err.issues });
  if (err instanceof EnvironmentsValidationError) return new ApiError('invalid_environments', err.message, { issues: err.issues });
  if (err instanceof ComponentNotFoundError) return new ApiError('component_not_found', err.message);
  if (err instanceof ComponentUseError) return new ApiError('invalid_component_use', err.message, { problems: err.problems });
  if (err instanceof FlowNotFoundError || err instanceof RunNotFoundError || err instanceof StageNotFoundError) return new ApiError('not_found', err.message);
  if (err instanceof RunNotOpenError) return new ApiError('run_not_open', err.message);
  if (err instanceof DeploymentActionError) return new ApiError(err.code, err.message);
  if (err instanceof RunStillOpenError) return new ApiError('run_open', err.message);
  if (err instanceof RunEndedAbnormallyError) return new ApiError('run_ended_abnormally', err.message);
  if (err instanceof GateNotWaitingError) return new ApiError(err.code, err.message);
  if (err instanceof DecisionRefusedError) return new ApiError('decision_refused', err.message);
  if (err instanceof ConcurrencyLimitError) return new ApiError('concurrency_limit', err.message, { open: err.open, max: err.max });
  if (err instanceof ReportRequestError) return new ApiError('invalid_report', err.message);
  if (err instanceof RunInputsError) return new ApiError('invalid_inputs', err.message, { problems: err.problems });
  if (err instanceof DoraQueryError) return new ApiError(err.field === 'environment' ? 'unknown_environment' : 'invalid_query', err.message, { field: err.field });
  if (err instanceof SecretNameError) return new ApiError('bad_secret_name', err.message);
  const unavailable = temporalUnavailable(err);
  if (unavailable !== undefined) {
    const why = ('details' in unavailable && typeof unavailable.details === 'string' ? unavailable.details : unavailable.message).replace(/\s*Resolution note:\s*$/, '');
    return new ApiError('temporal_unavailable', `Temporal is not reachable (${why}); try again once it is back`);
  }
  return undefined;
}

/** Hono's onError: every error becomes the one error body; an unexpected one is logged and answered 500. */
export function errorResponse(err: Error, c: Context): Response {
  const known = translate(err);
  if (known !== undefined) return c.json({ error: { code: known.code, message: known.message, details: known.details ?? null } }, known.status);
  if (err instanceof HTTPException) {
    // Hono's own (malformed JSON, a body of the wrong type, too large): keep its status, use our body.
    const status = err.status;
    const code = status === 413 ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
    return c.json({ error: { code, message: err.message || 'bad request', details: null } }, status);
  }
  console.error('coflow api: unexpected error', err);
  return c.json({ error: { code: 'internal', message: 'internal error', details: null } }, 500);
}
