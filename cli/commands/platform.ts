/** The catalog and the platform's own endpoints: `components`, `health`, `metrics`. */
import { UsageError } from '../errors.ts';
import type { Command } from './types.ts';

export const components: Command = {
  name: 'components',
  synopsis: 'components [NAMESPACE/NAME]',
  summary: 'list the component catalog, or one component\'s versions',
  async run(ctx, [ref]) {
    const list = ref ? (await ctx.api.component(ref)).versions : (await ctx.api.components()).components;
    ctx.out(list, () => list.map((c) => `${c.namespace}/${c.name}@${c.version}\t${c.image}\t${c.description ?? ''}`.trimEnd()).join('\n'));
    return 0;
  },
};

export const health: Command = {
  name: 'health',
  synopsis: 'health',
  summary: 'is the API ready (Temporal and the store reachable)? exit 3 when not',
  async run(ctx) {
    const r = await ctx.api.probe('/readyz');
    const body = JSON.parse(r.body) as { ready: boolean; checks: Record<string, string> };
    ctx.out(body, () => `${body.ready ? 'ready' : 'NOT ready'}\n${Object.entries(body.checks).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    return body.ready ? 0 : 3;
  },
};

export const metrics: Command = {
  name: 'metrics',
  synopsis: 'metrics',
  summary: 'print the Prometheus metrics',
  async run(ctx, args) {
    if (args.length > 0) throw new UsageError('metrics takes no arguments');
    const r = await ctx.api.probe('/metrics');
    process.stdout.write(ctx.json ? `${JSON.stringify({ metrics: r.body })}\n` : r.body);
    return 0;
  },
};
