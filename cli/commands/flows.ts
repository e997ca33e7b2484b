/** Flows through the API: `apply`, `flows`, `flow`, `versions`. */
import { readFileSync } from 'node:fs';
import { ApiCallError, UsageError } from '../errors.ts';
import { selfContainedFlow } from '../template-loader.ts';
import { formatIssues } from './format.ts';
import { optionText, type Command } from './types.ts';

export const apply: Command = {
  name: 'apply',
  synopsis: 'apply FILE',
  summary: 'store a flow (a new version when it changed); syncs its schedules',
  async run(ctx, [file]) {
    if (!file) throw new UsageError('apply needs a FILE');
    // Paths and URLs of Pod templates are read here and sent inline: the stored version needs no file of ours.
    const r = await ctx.api.applyFlow(await selfContainedFlow(file, readFileSync(file, 'utf8'))).catch((err: unknown) => {
      // The API's located issues are in this file.
      if (err instanceof ApiCallError) err.file = file;
      throw err;
    });
    ctx.out(r, () => [
      `${r.uri}: version ${r.version}${r.created ? ' created' : ' unchanged'}${r.schedules?.length ? ` (schedules: ${r.schedules.join(', ')})` : ''}`,
      ...(r.warnings?.length ? [formatIssues(file, r.warnings, 'warning')] : []),
    ].join('\n'));
    return 0;
  },
};

export const flows: Command = {
  name: 'flows',
  synopsis: 'flows [--limit N] [--cursor C]',
  summary: 'list flows (latest versions)',
  options: { limit: { type: 'string' }, cursor: { type: 'string' } },
  async run(ctx) {
    const limit = optionText(ctx.values, 'limit');
    const cursor = optionText(ctx.values, 'cursor');
    const page = await ctx.api.listFlows({ ...(limit ? { limit: Number(limit) } : {}), ...(cursor ? { cursor } : {}) });
    ctx.out(page, () => [
      ...(page.flows.length === 0 ? ['no flows'] : page.flows.map((f) => `${f.uri}\tv${f.version}\t${f.title ?? ''}`)),
      ...(page.next ? [`more: --cursor ${page.next}`] : []),
    ].join('\n'));
    return 0;
  },
};

export const flow: Command = {
  name: 'flow',
  synopsis: 'flow FLOW [--version N]',
  summary: 'print a flow\'s YAML as applied (latest or --version)',
  options: { version: { type: 'string' } },
  async run(ctx, [uri]) {
    if (!uri) throw new UsageError('flow needs a FLOW uri');
    const v = optionText(ctx.values, 'version');
    const f = await ctx.api.getFlow(uri, v ? Number(v) : undefined);
    ctx.out(f, () => f.source.trimEnd());
    return 0;
  },
};

export const versions: Command = {
  name: 'versions',
  synopsis: 'versions FLOW',
  summary: 'list a flow\'s versions',
  async run(ctx, [uri]) {
    if (!uri) throw new UsageError('versions needs a FLOW uri');
    const r = await ctx.api.flowVersions(uri);
    ctx.out(r, () => r.versions.map((v) => `v${v.version}\t${v.createdAt}`).join('\n'));
    return 0;
  },
};
