/**
 * `coflow rollback FLOW --environment E [--to ID] [--follow]` (issue 13):
 * re-applies a stored deployment of the flow's application. Without --to,
 * the successful deployment before the live one.
 */
import type { DeploymentRecord } from '../../contracts/deployments.ts';
import { defaultApplication, flowNamespace } from '../../contracts/environments.ts';
import { UsageError } from '../errors.ts';
import { optionText, type Command, type CommandContext } from './types.ts';

type Listed = Omit<DeploymentRecord, 'manifest'>;
const FOLLOW_POLL_MS = 1_000;

async function list(ctx: CommandContext, query: Record<string, string>): Promise<Listed[]> {
  const qs = new URLSearchParams({ ...query, limit: '100' });
  return (await ctx.api.request<{ deployments: Listed[] }>('GET', `/api/v1/deployments?${qs.toString()}`)).deployments;
}

/** The successful deployment before the live one of `application` in `environment`. */
async function defaultTarget(ctx: CommandContext, namespace: string, environment: string, application: string): Promise<number> {
  const pair = await list(ctx, { namespace, environment, application });
  const live = pair.find((d) => d.result === 'succeeded');
  const target = pair.find((d) => live !== undefined && d.id < live.id && d.result === 'succeeded' && d.kind !== 'marked');
  if (target === undefined) {
    const why = live === undefined ? 'it has no successful deployment there' : `none succeeded before the live one (${live.id})`;
    throw new UsageError(`nothing to roll back to for ${application} in ${environment} (namespace ${namespace}): ${why}; name one with --to`);
  }
  return target.id;
}

export const rollback: Command = {
  name: 'rollback',
  synopsis: 'rollback FLOW --environment E [--application A] [--to ID] [--follow]',
  summary: "re-apply an earlier deployment (default: the successful one before the live one of the flow's application, the repository part of its uri unless --application); --follow waits for its result",
  options: { environment: { type: 'string' }, application: { type: 'string' }, to: { type: 'string' }, follow: { type: 'boolean', short: 'f' } },
  async run(ctx, [flow]) {
    const environment = optionText(ctx.values, 'environment');
    const to = optionText(ctx.values, 'to');
    if (!flow || !environment) throw new UsageError('rollback needs a FLOW uri and --environment E');
    if (to !== undefined && !/^[1-9]\d*$/.test(to)) throw new UsageError(`--to must be a deployment id (a positive number), got ${to}`);
    const application = optionText(ctx.values, 'application') ?? defaultApplication(flow);
    const target = to !== undefined ? Number(to) : await defaultTarget(ctx, flowNamespace(flow), environment, application);
    const started = await ctx.api.request<{ deploymentId: number | null; workflowId: string }>('POST', `/api/v1/deployments/${target}/rollback`, '{}', 'application/json');
    const recordId = started.deploymentId;
    if (ctx.values.follow !== true || recordId === null) {
      ctx.out(started, () =>
        recordId === null
          ? `rollback ${started.workflowId} started: it waits for the deployment queue of the pair and will restore deployment ${target} when its turn comes`
          : `rollback started: deployment ${recordId} restores deployment ${target}`,
      );
      return 0;
    }
    for (;;) {
      const d = await ctx.api.request<DeploymentRecord>('GET', `/api/v1/deployments/${recordId}`);
      if (d.result !== 'running') {
        ctx.out(d, () => `rollback ${d.id} (restores ${target}) ${d.result}${d.reason ? `: ${d.reason}` : ''}`);
        return d.result === 'succeeded' ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
    }
  },
};
