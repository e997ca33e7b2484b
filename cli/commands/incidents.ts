/** `incidents [--open]`, `incident open ENV --title T …`, `incident resolve ID` (operator). */
import type { IncidentRecord } from '../../contracts/deployments.ts';
import { UsageError } from '../errors.ts';
import { table } from './table.ts';
import { optionText, type Command } from './types.ts';

function row(i: IncidentRecord): string[] {
  return [String(i.id), i.environment, i.application ?? '', i.deploymentId === undefined ? '' : String(i.deploymentId), i.openedAt, i.resolvedAt ?? 'open', i.title];
}

export const incidents: Command = {
  name: 'incidents',
  synopsis: 'incidents [--open] [--environment E] [--since T] [--until T]',
  summary: 'list incidents, newest first; --open only those not resolved',
  options: { open: { type: 'boolean' }, environment: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } },
  async run(ctx) {
    const query = new URLSearchParams();
    if (ctx.values['open'] === true) query.set('open', 'true');
    for (const k of ['environment', 'since', 'until']) {
      const v = optionText(ctx.values, k);
      if (v !== undefined) query.set(k, v);
    }
    const { incidents: list } = await ctx.api.request<{ incidents: IncidentRecord[] }>('GET', `/api/v1/incidents${query.size > 0 ? `?${query.toString()}` : ''}`);
    ctx.out(list, () => (list.length === 0 ? 'no incidents' : table(['ID', 'ENVIRONMENT', 'APPLICATION', 'DEPLOYMENT', 'OPENED', 'RESOLVED', 'TITLE'], list.map(row))));
    return 0;
  },
};

type Opened = IncidentRecord & { linkedBy: 'given' | 'live-at-open' | 'none' };

function openedText(i: Opened): string {
  const link = i.linkedBy === 'given' ? `deployment ${i.deploymentId}` : i.linkedBy === 'live-at-open' ? `deployment ${i.deploymentId} (live when it opened)` : 'no deployment';
  return `opened incident ${i.id} in ${i.namespace}/${i.environment}, linked to ${link}`;
}

export const incident: Command = {
  name: 'incident',
  synopsis: 'incident open ENVIRONMENT --title T [--application A] [--deployment ID] [--namespace N] | incident resolve ID',
  summary: 'open an incident (linked to the deployment live now unless --deployment) or resolve one (operator)',
  options: { title: { type: 'string' }, application: { type: 'string' }, deployment: { type: 'string' }, namespace: { type: 'string' } },
  async run(ctx, [verb, arg]) {
    switch (verb) {
      case 'open': {
        const title = optionText(ctx.values, 'title');
        if (!arg) throw new UsageError('incident open needs an ENVIRONMENT');
        if (!title) throw new UsageError('incident open needs --title');
        const deployment = optionText(ctx.values, 'deployment');
        if (deployment !== undefined && !/^[1-9]\d*$/.test(deployment)) throw new UsageError(`--deployment must be a deployment id, not "${deployment}"`);
        const body = {
          environment: arg, title,
          ...(deployment === undefined ? {} : { deployment: Number(deployment) }),
          ...Object.fromEntries(['application', 'namespace'].flatMap((k) => (optionText(ctx.values, k) === undefined ? [] : [[k, optionText(ctx.values, k)]]))),
        };
        const opened = await ctx.api.request<Opened>('POST', '/api/v1/incidents', JSON.stringify(body), 'application/json');
        ctx.out(opened, () => openedText(opened));
        return 0;
      }
      case 'resolve': {
        if (!arg || !/^[1-9]\d*$/.test(arg)) throw new UsageError('incident resolve needs an incident ID');
        const resolved = await ctx.api.request<IncidentRecord>('POST', `/api/v1/incidents/${arg}/resolve`, '{}', 'application/json');
        ctx.out(resolved, () => `resolved incident ${resolved.id} (${resolved.title}) at ${resolved.resolvedAt ?? ''}`);
        return 0;
      }
      default:
        throw new UsageError('incident needs open or resolve');
    }
  },
};
