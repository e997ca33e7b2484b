#!/usr/bin/env node
/**
 * The `coflow` command line. Exit codes: 0 success, 1 run failed,
 * 2 usage or validation error, 3 the platform could not be reached or failed.
 * Each command lives in `cli/commands/` and is listed in `cli/commands/index.ts`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiClient } from './api-client.ts';
import { COMMANDS } from './commands/index.ts';
import { formatIssues } from './commands/format.ts';
import { ApiCallError, DevServerStartError, PortInUseError, TemporalNotFoundError, UsageError } from './errors.ts';
import { SchemaTooNewError, SchemaTooOldError, StoreConfigError, StoreUnavailableError } from '../store/errors.ts';
import { ConfigError, TemporalUnreachableError } from '../worker/errors.ts';
import { FlowValidationError, type FlowIssue } from '../flow/index.ts';
import { EnvironmentsValidationError } from '../flow/parse-environments.ts';
import { ComponentDefinitionError } from '../components/errors.ts';

const GLOBAL_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  json: { type: 'boolean', default: false },
  api: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.synopsis.length));
  return `usage: coflow <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.synopsis.padEnd(width)}  ${c.summary}`).join('\n')}

options:
  --json                    machine-readable output
  --api URL                 the API (default $COFLOW_API or http://127.0.0.1:8080)
  --token TOKEN             bearer token (default $COFLOW_TOKEN)

exit codes: 0 success, 1 run failed, 2 usage or validation error, 3 platform error`;
}

async function main(argv: string[]): Promise<number> {
  const options = { ...GLOBAL_OPTIONS };
  for (const c of COMMANDS) Object.assign(options, c.options ?? {});
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options });
  const [name, ...args] = positionals;
  if (values.help === true || name === undefined || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined && values.help !== true ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`coflow: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const json = values.json === true;
  const text = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
  const api = new ApiClient(text('api') ?? process.env.COFLOW_API ?? 'http://127.0.0.1:8080', text('token') ?? process.env.COFLOW_TOKEN);
  return command.run(
    {
      api,
      json,
      values,
      out: (value, render) => process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${render()}\n`),
    },
    args,
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as Error;
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`coflow: ${e.message}\n\n${usage()}\n`);
      process.exitCode = 2;
    } else if (e instanceof ApiCallError) {
      const details = (e.details as { issues?: FlowIssue[] } | null)?.issues;
      process.stderr.write(`coflow: ${e.message}\n${details ? `${formatIssues(e.file ?? 'flow', details)}\n` : ''}`);
      process.exitCode = e.status >= 400 && e.status < 500 ? 2 : e.status === 0 && e.code !== 'unreachable' ? 2 : 3;
    } else if (e instanceof EnvironmentsValidationError) {
      process.stderr.write(`coflow: invalid environments file\n${formatIssues(e.file ?? 'environments', e.issues)}\n`);
      process.exitCode = 2;
    } else if (e instanceof FlowValidationError) {
      process.stderr.write(`coflow: invalid flow\n${formatIssues(e.file ?? 'flow', e.issues)}\n`);
      process.exitCode = 2;
    } else if (e instanceof ConfigError || e instanceof SchemaTooOldError || e instanceof SchemaTooNewError || e instanceof StoreConfigError || e instanceof TemporalNotFoundError || e instanceof PortInUseError || e instanceof ComponentDefinitionError) {
      // The message says what to set, run or install: no stack.
      process.stderr.write(`coflow: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof StoreUnavailableError || e instanceof TemporalUnreachableError || e instanceof DevServerStartError) {
      process.stderr.write(`coflow: ${e.message}\n`);
      process.exitCode = 3;
    } else {
      process.stderr.write(`coflow: ${e.stack ?? e.message}\n`);
      process.exitCode = 3;
    }
  },
);
