/**
 * Errors of the flow layer: what a user wrote is wrong, never a transient
 * failure. Each carries its data in readonly fields and a stable `name`, so
 * callers (API, CLI, activities) can map them without parsing messages.
 */
import type { ResourceName } from './resources.ts';

/** One problem found in a flow file, located by field path and line:column (1-based). */
export interface FlowIssue {
  /** Field path, e.g. `stages[1].actions[0].jobs[2].timeout`; `` for the whole document. */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Formats one issue as `file:line:col path: message`, the shape editors and CI logs link. */
export function formatFlowIssue(issue: FlowIssue, file = '<flow>'): string {
  const where = `${file}:${issue.line}:${issue.column}`;
  return issue.path === '' ? `${where} ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

/** A flow file failed to parse or validate; `issues` lists every problem found, not just the first. */
export class FlowValidationError extends Error {
  override readonly name = 'FlowValidationError';
  readonly issues: readonly FlowIssue[];
  /** The file name given to the parser, used in the message. */
  readonly file: string | undefined;

  constructor(issues: readonly FlowIssue[], file?: string) {
    const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
    const lines = issues.map((i) => `  ${formatFlowIssue(i, file)}`);
    super([`invalid flow (${count}):`, ...lines].join('\n'));
    this.issues = issues;
    this.file = file;
  }
}

/** A duration such as `90s`, `1h30m` or `600` (seconds) could not be read. */
export class InvalidDurationError extends Error {
  override readonly name = 'InvalidDurationError';
  readonly input: unknown;

  constructor(input: unknown, reason: string) {
    super(`invalid duration ${JSON.stringify(input) ?? String(input)}: ${reason}`);
    this.input = input;
  }
}

/** A CPU or memory quantity such as `500m` or `4Gi` could not be read. */
export class InvalidQuantityError extends Error {
  override readonly name = 'InvalidQuantityError';
  readonly input: unknown;
  readonly resource: ResourceName;

  constructor(resource: ResourceName, input: unknown, reason: string) {
    super(`invalid ${resource} quantity ${JSON.stringify(input) ?? String(input)}: ${reason}`);
    this.input = input;
    this.resource = resource;
  }
}

/** A `${{ … }}` expression or `if:` condition does not parse; `offset` is relative to the text given to the parser. */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** An expression failed while it ran (e.g. a bad argument to `fromJSON`). */
export class ExpressionEvalError extends Error {
  override readonly name = 'ExpressionEvalError';
}
