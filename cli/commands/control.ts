/** Steering runs through the API: `pause`, `resume`, `cancel`, `approve`, `reject`, `rerun`. */
import { runPath } from '../api-client.ts';
import { UsageError } from '../errors.ts';
import { optionText, type Command } from './types.ts';

const commentOption = { comment: { type: 'string', short: 'm' } } as const;

function body(values: Record<string, unknown>): string | undefined {
  const comment = optionText(values as Parameters<typeof optionText>[0], 'comment');
  return comment === undefined ? undefined : JSON.stringify({ comment });
}

function steer(name: 'pause' | 'resume' | 'cancel', summary: string): Command {
  return {
    name,
    synopsis: `${name} RUN${name === 'cancel' ? '' : ' [-m COMMENT]'}`,
    summary,
    ...(name === 'cancel' ? {} : { options: commentOption }),
    async run(ctx, [runId]) {
      if (!runId) throw new UsageError(`${name} needs a RUN id`);
      const r = await ctx.api.request<{ runId: string }>('POST', `${runPath(runId)}/${name}`, body(ctx.values), 'application/json');
      ctx.out(r, () => `${name}: ${r.runId} accepted`);
      return 0;
    },
  };
}

function decision(name: 'approve' | 'reject'): Command {
  return {
    name,
    synopsis: `${name} RUN (STAGE | --job PATH) [-m COMMENT]`,
    summary: `${name} a waiting approval gate (pause stage), or the canary step a deploy job waits on (--job), as the token's user`,
    options: { ...commentOption, job: { type: 'string' } },
    async run(ctx, [runId, stage]) {
      const job = optionText(ctx.values, 'job');
      if (runId && job !== undefined && stage === undefined) {
        const comment = optionText(ctx.values, 'comment');
        const r = await ctx.api.request<{ runId: string; step: number }>('POST', `${runPath(runId)}/canary/${name}`, JSON.stringify({ job, ...(comment ? { comment } : {}) }), 'application/json');
        ctx.out(r, () => `${name === 'approve' ? 'approved' : 'rejected'} canary step ${r.step} of ${job} in ${r.runId}`);
        return 0;
      }
      if (!runId || !stage || job !== undefined) throw new UsageError(`${name} needs a RUN id and either a STAGE name or --job PATH (a canary deploy job)`);
      const r = await ctx.api.request<{ runId: string }>('POST', `${runPath(runId)}/stages/${encodeURIComponent(stage)}/${name}`, body(ctx.values), 'application/json');
      ctx.out(r, () => `${name === 'approve' ? 'approved' : 'rejected'} stage ${stage} of ${r.runId}`);
      return 0;
    },
  };
}

export const pause = steer('pause', 'pause a run: running jobs finish, no new job starts');
export const resume = steer('resume', 'resume a paused run');
export const cancel = steer('cancel', 'cancel a run: containers stopped, end jobs run');
export const approve = decision('approve');
export const reject = decision('reject');

export const rerun: Command = {
  name: 'rerun',
  synopsis: 'rerun RUN [--full]',
  summary: 'a new run from the first failed job, reusing the outputs of the jobs that succeeded (--full: everything)',
  options: { full: { type: 'boolean' } },
  async run(ctx, [runId]) {
    if (!runId) throw new UsageError('rerun needs a RUN id');
    const r = await ctx.api.request<{ runId: string; reused: string[] }>('POST', `${runPath(runId)}/rerun${ctx.values.full === true ? '?full=true' : ''}`);
    ctx.out(r, () => `started ${r.runId} (re-run of ${runId}${r.reused.length > 0 ? `, reusing ${r.reused.join(', ')}` : ''})`);
    return 0;
  },
};
