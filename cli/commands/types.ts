/**
 * The CLI's command contract: each verb is one {@link Command} in its own
 * file under `cli/commands/`, listed in `cli/commands/index.ts`.
 */
import type { ParseArgsConfig } from 'node:util';
import type { ApiClient } from '../api-client.ts';

/** Option values as `parseArgs` returns them (every command's options merged). */
export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface CommandContext {
  /** The API client (`--api`, `$COFLOW_API`; `--token`, `$COFLOW_TOKEN`). */
  readonly api: ApiClient;
  readonly json: boolean;
  readonly values: OptionValues;
  /** Prints `value` as JSON with --json, else `text()`. */
  out(value: unknown, text: () => string): void;
}

export interface Command {
  readonly name: string;
  /** `run FLOW [--follow]` — one line of the usage text. */
  readonly synopsis: string;
  readonly summary: string;
  /** The command's own options (merged into one parseArgs table; names must agree across commands). */
  readonly options?: NonNullable<ParseArgsConfig['options']>;
  /** Returns the exit code: 0 success, 1 run failed, 2 usage or validation error. */
  run(ctx: CommandContext, args: string[]): Promise<number>;
}

/** A string option's value, or undefined. */
export function optionText(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
