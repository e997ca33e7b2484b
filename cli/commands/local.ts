/** Commands that run on this machine: `dev`, `validate`. */
import { readFileSync } from 'node:fs';
import { FlowValidationError, validateFlow } from '../../flow/index.ts';
import { selfContainedFlow } from '../template-loader.ts';
import { loadCatalog, resolveComponents } from '../../components/catalog.ts';
import { ComponentUseError } from '../../components/errors.ts';
import { formatIssues } from './format.ts';
import { UsageError } from '../errors.ts';
import type { Command, CommandContext } from './types.ts';
import { ApiCallError } from '../errors.ts';
import { allJobs, type FlowSpec } from '../../flow/model.ts';
import { flowNamespace, type EnvironmentsSpec, type StoredEnvironments } from '../../contracts/environments.ts';

export const dev: Command = {
  name: 'dev',
  synopsis: 'dev',
  summary: 'start Temporal, a worker and the API on this machine',
  async run() {
    // Loaded here: commands that only talk to the API need none of the platform's configuration.
    const [{ runDev }, { loadConfig }] = await Promise.all([import('../dev.ts'), import('../../worker/config.ts')]);
    return runDev(loadConfig());
  },
};

function deploys(flow: FlowSpec): boolean {
  return allJobs(flow).some((j) => j.deploy !== undefined || j.deployment !== undefined);
}

/** The namespace's environments from the API: null when it has none, undefined when the API cannot be asked (then a warning says targets are unchecked). */
async function serverEnvironments(ctx: CommandContext, uri: string): Promise<EnvironmentsSpec | null | undefined> {
  try {
    return (await ctx.api.request<StoredEnvironments>('GET', `/api/v1/environments/${encodeURIComponent(flowNamespace(uri))}`)).spec;
  } catch (err) {
    if (err instanceof ApiCallError && err.status === 404) return null;
    return undefined;
  }
}

export const validate: Command = {
  name: 'validate',
  synopsis: 'validate FILE...',
  summary: 'check flow files; prints every error with line:column (deploy targets: against the API\'s environments when it answers)',
  async run(ctx, args) {
    if (args.length === 0) throw new UsageError('validate needs at least one FILE');
    const { loadConfig } = await import('../../worker/config.ts');
    const catalog = loadCatalog(loadConfig().componentsDir);
    const results = await Promise.all(args.map(async (file) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        return { file, valid: false, issues: [{ path: '', line: 0, column: 0, message: `cannot read: ${(err as Error).message}` }], warnings: [] };
      }
      try {
        // Pod templates are checked as `apply` would store them.
        text = await selfContainedFlow(file, text);
      } catch (err) {
        if (err instanceof FlowValidationError) return { file, valid: false, issues: err.issues, warnings: [] };
        throw err;
      }
      const first = validateFlow(text);
      // A flow that deploys is checked against its namespace's environments when the API can say them.
      const r = first.ok && deploys(first.flow) ? validateFlow(text, { environments: await serverEnvironments(ctx, first.flow.uri) }) : first;
      const { warnings } = r;
      if (!r.ok) return { file, valid: false, issues: r.issues, warnings };
      try {
        resolveComponents(r.flow, catalog);
      } catch (err) {
        const problems = err instanceof ComponentUseError ? err.problems : [{ job: '', message: (err as Error).message }];
        return { file, valid: false, issues: problems.map((p) => ({ path: p.job, line: 1, column: 1, message: p.message })), warnings };
      }
      return { file, valid: true, issues: [], warnings };
    }));
    const text = (r: (typeof results)[number]): string[] => [
      ...(r.valid ? [`${r.file}: valid`] : [formatIssues(r.file, r.issues)]),
      ...(r.warnings.length > 0 ? [formatIssues(r.file, r.warnings, 'warning')] : []),
    ];
    ctx.out(results, () => results.flatMap(text).join('\n'));
    return results.every((r) => r.valid) ? 0 : 2;
  },
};
