/** The catalog and the platform's own endpoints: `components`, `health`, `metrics`. */
import type { ComponentSummary } from '../api-client.ts';
import { UsageError } from '../errors.ts';
import { formatDuration } from '../../flow/duration.ts';
import type { Command } from './types.ts';

export const components: Command = {
  name: 'components',
  synopsis: 'components [NAMESPACE/NAME]',
  summary: 'list the component catalog, or one component\'s versions',
  async run(ctx, [ref]) {
    const list = ref ? (await ctx.api.component(ref)).versions : (await ctx.api.components()).components;
    ctx.out(list, () => list.map((c) => `${c.namespace}/${c.name}@${c.version}\t${c.image}\t${c.description ?? ''}`.trimEnd() + (ref ? `\n${componentDetails(c)}` : '')).join('\n'));
    return 0;
  },
};

/** One version's inputs, outputs, timeout and resources, indented under its line. */
function componentDetails(c: ComponentSummary): string {
  const lines = c.inputs.map((i) => {
    const how = i.required ? 'required' : i.default !== undefined ? `default ${JSON.stringify(i.default)}` : 'optional';
    return `  input  ${i.name} (${how}${i.secret ? ', secret' : ''})${i.description ? `: ${i.description}` : ''}`;
  });
  for (const o of c.outputs) lines.push(`  output ${o.name}${o.description ? `: ${o.description}` : ''}`);
  const limits = [
    c.timeoutMs === undefined ? '' : `timeout ${formatDuration(c.timeoutMs)}`,
    c.resources.cpuMillis === undefined ? '' : `cpu ${c.resources.cpuMillis}m`,
    c.resources.memoryBytes === undefined ? '' : `memory ${Math.round(c.resources.memoryBytes / 2 ** 20)}Mi`,
  ].filter(Boolean);
  if (limits.length > 0) lines.push(`  ${limits.join(', ')}`);
  return lines.join('\n');
}

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
