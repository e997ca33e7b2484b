/** `deployments [FILTERS]`: deployment records, newest first, as a table. */
import type { DeploymentRecord } from '../../contracts/deployments.ts';
import { duration, table } from './table.ts';
import { optionText, type Command } from './types.ts';

interface DeploymentPage { deployments: DeploymentRecord[]; next: number | null }

const FILTERS = { environment: 'environment', application: 'application', namespace: 'namespace', flow: 'flow', since: 'since', until: 'until', limit: 'limit', before: 'before' };

function row(d: DeploymentRecord): string[] {
  const took = d.finishedAt === undefined ? 'running' : duration(Date.parse(d.finishedAt) - Date.parse(d.startedAt));
  return [String(d.id), d.environment, d.application, d.result, d.commit?.slice(0, 7) ?? '', d.user ?? '', d.startedAt, took, d.rollbackOf === undefined ? '' : String(d.rollbackOf)];
}

export const deployments: Command = {
  name: 'deployments',
  synopsis: 'deployments [--environment E] [--application A] [--flow URI] [--since T] [--until T] [--limit N] [--before ID]',
  summary: 'list deployment records, newest first (times ISO 8601); --json for every field',
  options: {
    environment: { type: 'string' }, application: { type: 'string' }, namespace: { type: 'string' }, flow: { type: 'string' },
    since: { type: 'string' }, until: { type: 'string' }, limit: { type: 'string' }, before: { type: 'string' },
  },
  async run(ctx) {
    const query = new URLSearchParams();
    for (const [option, param] of Object.entries(FILTERS)) {
      const value = optionText(ctx.values, option);
      if (value !== undefined) query.set(param, value);
    }
    const page = await ctx.api.request<DeploymentPage>('GET', `/api/v1/deployments${query.size > 0 ? `?${query.toString()}` : ''}`);
    ctx.out(page.deployments, () => [
      page.deployments.length === 0
        ? 'no deployments'
        : table(['ID', 'ENVIRONMENT', 'APPLICATION', 'RESULT', 'COMMIT', 'USER', 'STARTED', 'DURATION', 'ROLLBACK OF'], page.deployments.map(row)),
      ...(page.next === null ? [] : [`more: --before ${page.next}`]),
    ].join('\n'));
    return 0;
  },
};
