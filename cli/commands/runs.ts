/** Runs through the API: `run`, `status`, `runs`. */
import type { ApiClient } from '../api-client.ts';
import { renderRun } from '../render.ts';
import { isFinal, type RunStatus } from '../../contracts/run-status.ts';
import { UsageError } from '../errors.ts';
import { optionText, type Command, type OptionValues } from './types.ts';

/** Follows a run over its SSE event stream, redrawing the tree; returns the final status. */
async function followRun(api: ApiClient, runId: string, json: boolean): Promise<RunStatus> {
  const tty = process.stdout.isTTY && !json;
  let drawn = 0;
  let last = '';
  let status: RunStatus | undefined;
  for await (const ev of api.events(api.runEventsPath(runId))) {
    if (ev.event !== 'status') continue;
    status = JSON.parse(ev.data) as RunStatus;
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
  }
  if (!status || !isFinal(status.state)) status = await api.runStatus(runId);
  return status;
}

const exitOf = (status: RunStatus): number => (status.state === 'succeeded' ? 0 : 1);

/** `--input NAME=VALUE` (repeatable) as a map; a name given twice is refused. */
export function inputValues(option: OptionValues[string]): Record<string, string> {
  const items = option === undefined ? [] : Array.isArray(option) ? option : [option];
  const inputs: Record<string, string> = {};
  for (const item of items) {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input takes NAME=VALUE, got "${text}"`);
    const name = text.slice(0, eq);
    if (Object.hasOwn(inputs, name)) throw new UsageError(`--input ${name} is given twice`);
    inputs[name] = text.slice(eq + 1);
  }
  return inputs;
}

export const run: Command = {
  name: 'run',
  synopsis: 'run FLOW [--input NAME=VALUE]... [--commit SHA --repo FORGE:OWNER/NAME] [--follow]',
  summary: 'start a run of a flow (uri namespace/repository/name), with values for its inputs (the others take their defaults); with --commit and --repo it reports commit statuses there (docs/forges.md)',
  options: { follow: { type: 'boolean', short: 'f' }, input: { type: 'string', short: 'i', multiple: true }, commit: { type: 'string' }, repo: { type: 'string' } },
  async run(ctx, [uri]) {
    if (!uri) throw new UsageError('run needs a FLOW uri');
    const { commit, repo } = ctx.values;
    if ((commit === undefined) !== (repo === undefined)) throw new UsageError('--commit and --repo go together: the commit SHA and FORGE:OWNER/NAME (e.g. gitea:acme/shop)');
    const report = typeof commit === 'string' && typeof repo === 'string' ? { commit, repo } : undefined;
    const started = await ctx.api.startRun(uri, inputValues(ctx.values.input), report);
    if (ctx.values.follow !== true) {
      ctx.out(started, () => `started ${started.runId}`);
      return 0;
    }
    if (!ctx.json) process.stdout.write(`started ${started.runId}\n`);
    const final = await followRun(ctx.api, started.runId, ctx.json);
    if (ctx.json) ctx.out(final, () => '');
    return exitOf(final);
  },
};

export const status: Command = {
  name: 'status',
  synopsis: 'status RUN [--follow]',
  summary: 'show a run\'s stage/job tree (live with --follow)',
  options: { follow: { type: 'boolean', short: 'f' } },
  async run(ctx, [runId]) {
    if (!runId) throw new UsageError('status needs a RUN id');
    if (ctx.values.follow === true) {
      const final = await followRun(ctx.api, runId, ctx.json);
      if (ctx.json) ctx.out(final, () => '');
      return exitOf(final);
    }
    const s = await ctx.api.runStatus(runId);
    ctx.out(s, () => renderRun(s).join('\n'));
    return s.state === 'failed' ? 1 : 0;
  },
};

export const runs: Command = {
  name: 'runs',
  synopsis: 'runs [FILTERS]',
  summary: 'list runs, newest first; --flow --status --trigger --branch --since --until --limit --cursor',
  options: {
    flow: { type: 'string' }, status: { type: 'string' }, trigger: { type: 'string' }, branch: { type: 'string' },
    since: { type: 'string' }, until: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' },
  },
  async run(ctx) {
    const get = (k: string): string | undefined => optionText(ctx.values, k);
    const limit = get('limit');
    const page = await ctx.api.listRuns({
      flow: get('flow'), status: get('status'), trigger: get('trigger'), branch: get('branch'),
      since: get('since'), until: get('until'), cursor: get('cursor'), ...(limit ? { limit: Number(limit) } : {}),
    });
    ctx.out(page.runs, () => [
      ...(page.runs.length === 0 ? ['no runs'] : page.runs.map((r) => [r.runId, r.status, r.trigger ?? '', r.branch ?? '', r.startedAt].join('\t'))),
      ...(page.next ? [`more: --cursor ${page.next}`] : []),
    ].join('\n'));
    return 0;
  },
};
