/** `logs RUN [JOB] [-f]`: every stored line; with -f, follows over SSE until the run ends. */
import type { StoredLogLine } from '../../contracts/logs.ts';
import { UsageError } from '../errors.ts';
import type { Command } from './types.ts';

export const logs: Command = {
  name: 'logs',
  synopsis: 'logs RUN [JOB] [-f]',
  summary: 'print a run\'s logs (JOB: stage.action.job); -f follows live',
  options: { follow: { type: 'boolean', short: 'f' } },
  async run(ctx, [runId, job]) {
    if (!runId) throw new UsageError('logs needs a RUN id');
    const print = (l: StoredLogLine): void => {
      if (ctx.json) process.stdout.write(`${JSON.stringify(l)}\n`);
      else process.stdout.write(`${job ? '' : `[${l.jobPath}#${l.attempt}] `}${l.stream === 'stderr' ? '! ' : ''}${l.text}\n`);
    };
    if (ctx.values.follow === true) {
      for await (const ev of ctx.api.events(ctx.api.followLogsPath(runId, job))) {
        if (ev.event === 'line') print(JSON.parse(ev.data) as StoredLogLine);
      }
      return 0;
    }
    let after = 0;
    for (;;) {
      const page = await ctx.api.logs(runId, { ...(job ? { job } : {}), after });
      page.lines.forEach(print);
      if (page.lines.length === 0) return 0;
      after = page.next;
    }
  },
};
