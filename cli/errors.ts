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
  /** The local file the request sent, when there is one: its located issues name it. */
  file?: string;
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

/** A port `coflow dev` needs is taken by another program; the message names the port and the variable that moves it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly port: number;
  readonly variable: string;
  constructor(port: number, variable: string, what: string) {
    super(`port ${port} (${what}) is already in use by another program: stop it, or set ${variable} to a free port`);
    this.port = port;
    this.variable = variable;
  }
}

/** The Temporal dev server could not be started (it exited during start-up or never opened its port). */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}
