/** `environments apply FILE | list | show NAMESPACE`: a namespace's environments file, through the API (docs/deploy-jobs.md). */
import { readFileSync } from 'node:fs';
import type { StoredEnvironments } from '../../contracts/environments.ts';
import type { FlowIssue } from '../../flow/index.ts';
import { parseEnvironments } from '../../flow/parse-environments.ts';
import { ApiCallError, UsageError } from '../errors.ts';
import { formatIssues } from './format.ts';
import type { Command, CommandContext } from './types.ts';

async function applyFile(ctx: CommandContext, file: string): Promise<number> {
  const source = readFileSync(file, 'utf8');
  // Read here first for the namespace (the API's path) and for errors located in FILE.
  const { spec } = parseEnvironments(source, { file });
  try {
    const r = await ctx.api.request<{ namespace: string; version: number; created: boolean; warnings: FlowIssue[] }>(
      'PUT', `/api/v1/environments/${encodeURIComponent(spec.namespace)}`, source,
    );
    ctx.out(r, () => [
      `environments of ${r.namespace}: version ${r.version}${r.created ? ' created' : ' unchanged'}`,
      ...(r.warnings.length > 0 ? [formatIssues(file, r.warnings, 'warning')] : []),
    ].join('\n'));
    return 0;
  } catch (err) {
    if (err instanceof ApiCallError) err.file = file;
    throw err;
  }
}

function describeEnvironments(s: StoredEnvironments): string {
  const lines = s.spec.environments.map((e) => {
    const cluster = e.cluster.kind === 'runner' ? 'runner cluster' : `kubeconfig secret ${e.cluster.secret}`;
    const guard = [
      ...(e.protection.approvers.length > 0 ? [`approvers ${e.protection.approvers.join(', ')}`] : []),
      ...(e.protection.branches.length > 0 ? [`branches ${e.protection.branches.join(', ')}`] : []),
    ];
    return `  ${e.name}\t${e.tier}\tnamespace ${e.kubernetesNamespace} (${cluster})\t${guard.length > 0 ? guard.join('; ') : 'unprotected'}`;
  });
  return [`${s.namespace}\tv${s.version}\t${s.createdAt}`, ...lines].join('\n');
}

export const environments: Command = {
  name: 'environments',
  synopsis: 'environments apply FILE | list | show NAMESPACE',
  summary: 'manage environments files (apply: admin); show prints the file as stored',
  async run(ctx, [verb, arg]) {
    switch (verb) {
      case 'apply':
        if (!arg) throw new UsageError('environments apply needs a FILE');
        return applyFile(ctx, arg);
      case 'list': {
        const r = await ctx.api.request<{ environments: StoredEnvironments[] }>('GET', '/api/v1/environments');
        ctx.out(r.environments, () => (r.environments.length === 0 ? 'no environments files' : r.environments.map(describeEnvironments).join('\n')));
        return 0;
      }
      case 'show': {
        if (!arg) throw new UsageError('environments show needs a NAMESPACE');
        const s = await ctx.api.request<StoredEnvironments>('GET', `/api/v1/environments/${encodeURIComponent(arg)}`);
        ctx.out(s, () => s.source.trimEnd());
        return 0;
      }
      default:
        throw new UsageError('environments needs apply, list or show');
    }
  },
};
