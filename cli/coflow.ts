#!/usr/bin/env node
/**
 * The `coflow` command line. Exit codes: 0 success, 1 run failed,
 * 2 usage or validation error, 3 the platform could not be reached or failed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiCallError, ApiClient } from './api-client.ts';
import { renderRun } from './render.ts';
import { validateFlow, type FlowIssue } from '../flow/index.ts';
import { loadCatalog, resolveComponents } from '../components/catalog.ts';
import { loadConfig } from '../worker/config.ts';
import { isFinal, type RunStatus } from '../workflows/status.ts';

const USAGE = `usage: coflow <command> [options]

commands:
  dev                       start Temporal, a worker and the API on this machine
  validate FILE...          check flow files; prints every error with line:column
  apply FILE                store a flow (a new version when it changed)
  run FLOW [--follow]       start a run of a flow (uri namespace/repository/name)
  status RUN                show a run's stage/job tree
  runs [--flow FLOW]        list runs
  logs RUN [JOB] [-f]       print a run's logs (JOB: stage.action.job)

options:
  --json                    machine-readable output
  --api URL                 the API (default $COFLOW_API or http://127.0.0.1:8080)

exit codes: 0 success, 1 run failed, 2 usage or validation error, 3 platform error`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function out(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

function formatIssues(file: string, issues: readonly FlowIssue[]): string {
  return issues.map((i) => `${file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n');
}

async function followRun(api: ApiClient, runId: string, json: boolean): Promise<RunStatus> {
  const tty = process.stdout.isTTY && !json;
  let drawn = 0;
  let last = '';
  for (;;) {
    const status = await api.runStatus(runId);
    const lines = renderRun(status);
    const text = lines.join('\n');
    if (tty) {
      if (drawn > 0) process.stdout.write(`\x1b[${drawn}F\x1b[J`);
      process.stdout.write(`${text}\n`);
      drawn = lines.length;
    } else if (!json) {
      // Without a terminal, print the tree only when a state changes (durations tick).
      const shape = text.replace(/ \d+(\.\d+)?s|\d+m\d+s|\d+h\d+m/g, '');
      if (shape !== last) process.stdout.write(`${text}\n\n`);
      last = shape;
    }
    if (isFinal(status.state)) return status;
    await sleep(500);
  }
}

async function printLogs(api: ApiClient, runId: string, job: string | undefined, follow: boolean, json: boolean): Promise<void> {
  let after = 0;
  for (;;) {
    const page = await api.logs(runId, { ...(job ? { job } : {}), after });
    for (const l of page.lines) {
      if (json) process.stdout.write(`${JSON.stringify(l)}\n`);
      else process.stdout.write(`${job ? '' : `[${l.jobPath}#${l.attempt}] `}${l.stream === 'stderr' ? '! ' : ''}${l.text}\n`);
    }
    after = page.next;
    if (page.lines.length > 0) continue;
    if (!follow) return;
    const status = await api.runStatus(runId);
    if (isFinal(status.state)) {
      const tail = await api.logs(runId, { ...(job ? { job } : {}), after });
      if (tail.lines.length === 0) return;
      continue;
    }
    await sleep(500);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      follow: { type: 'boolean', short: 'f', default: false },
      api: { type: 'string' },
      flow: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  const json = values.json;
  const api = new ApiClient(values.api ?? process.env.COFLOW_API ?? 'http://127.0.0.1:8080');

  switch (command) {
    case 'dev': {
      const { runDev } = await import('./dev.ts');
      return runDev(loadConfig());
    }
    case 'validate': {
      if (args.length === 0) throw new UsageError('validate needs at least one FILE');
      const catalog = loadCatalog(loadConfig().componentsDir);
      const results = args.map((file) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          return { file, valid: false, issues: [{ path: '', line: 0, column: 0, message: `cannot read: ${(err as Error).message}` }] };
        }
        const r = validateFlow(text);
        if (!r.ok) return { file, valid: false, issues: r.issues };
        try {
          resolveComponents(r.flow, catalog);
        } catch (err) {
          return { file, valid: false, issues: [{ path: '', line: 1, column: 1, message: (err as Error).message }] };
        }
        return { file, valid: true, issues: [] };
      });
      out(json, results, () => results.map((r) => (r.valid ? `${r.file}: valid` : formatIssues(r.file, r.issues))).join('\n'));
      return results.every((r) => r.valid) ? 0 : 2;
    }
    case 'apply': {
      const [file] = args;
      if (!file) throw new UsageError('apply needs a FILE');
      const r = await api.applyFlow(readFileSync(file, 'utf8'));
      out(json, r, () => `${r.uri}: version ${r.version}${r.created ? ' created' : ' unchanged'}`);
      return 0;
    }
    case 'run': {
      const [uri] = args;
      if (!uri) throw new UsageError('run needs a FLOW uri');
      const started = await api.startRun(uri);
      if (!values.follow) {
        out(json, started, () => `started ${started.runId}`);
        return 0;
      }
      if (!json) process.stdout.write(`started ${started.runId}\n`);
      const final = await followRun(api, started.runId, json);
      if (json) out(true, final, () => '');
      return final.state === 'succeeded' ? 0 : 1;
    }
    case 'status': {
      const [runId] = args;
      if (!runId) throw new UsageError('status needs a RUN id');
      const status = await api.runStatus(runId);
      out(json, status, () => renderRun(status).join('\n'));
      return status.state === 'failed' ? 1 : 0;
    }
    case 'runs': {
      const { runs } = await api.listRuns(values.flow);
      out(json, runs, () => (runs.length === 0 ? 'no runs' : runs.map((r) => `${r.runId}\t${r.status}\t${r.startedAt}`).join('\n')));
      return 0;
    }
    case 'logs': {
      const [runId, job] = args;
      if (!runId) throw new UsageError('logs needs a RUN id');
      await printLogs(api, runId, job, values.follow, json);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as Error;
    if (e.name === 'UsageError' || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`coflow: ${e.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (e instanceof ApiCallError) {
      const details = (e.details as { issues?: FlowIssue[] } | null)?.issues;
      process.stderr.write(`coflow: ${e.message}\n${details ? `${formatIssues('flow', details)}\n` : ''}`);
      process.exitCode = e.status >= 400 && e.status < 500 ? 2 : e.status === 0 && e.code !== 'unreachable' ? 2 : 3;
    } else if (e.name === 'ConfigError') {
      process.stderr.write(`coflow: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`coflow: ${e.stack ?? e.message}\n`);
      process.exitCode = 3;
    }
  },
);
