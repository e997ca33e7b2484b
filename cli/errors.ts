/** Errors of the CLI, matched in `cli/coflow.ts` with `instanceof` to choose the exit code. */

/** The command line is wrong (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The API answered with an error, or could not be reached (`status` 0, code `unreachable`). */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The Temporal CLI that `coflow dev` and the tests start was not found. */
export class TemporalNotFoundError extends Error {
  override readonly name = 'TemporalNotFoundError';
}
