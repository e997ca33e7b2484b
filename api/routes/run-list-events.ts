/**
 * The live runs list: `GET /api/v1/runs/events` follows the first page of
 * `GET /api/v1/runs` (same filters) over SSE, polling Temporal visibility
 * every `pollMs` and sending the page again whenever its runs change.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { RouteModule } from '../context.ts';
import type { RunSummary } from '../../contracts/run-summary.ts';
import { listRuns } from '../run-list.ts';
import { RunListQuery, errorResponses } from '../schemas.ts';
import { checkTimeRange } from './runs.ts';

const KEEPALIVE_MS = 15_000;

export const runListEventRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/runs/events', tags: ['runs'],
      summary:
        'Follow the runs list over SSE (same filters as GET /api/v1/runs, no cursor): a `runs` event `{ runs, next }` with the first page at once and whenever it changes; ' +
        '`unavailable` when visibility cannot be read (polling goes on; not `error`, the name EventSource gives connection failures); `: keep-alive` comments while idle',
      request: { query: RunListQuery.omit({ cursor: true }) },
      responses: {
        200: { description: 'a text/event-stream of `runs` events (data: a RunList)', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const { limit, ...filter } = c.req.valid('query');
      checkTimeRange(filter);
      const read = () => listRuns(deps.temporal, deps.namespace, filter, limit);
      let page = await read(); // a failure answers with an error status, before the stream opens
      return streamSSE(c, async (stream) => {
        let seq = 0;
        let last: RunSummary[] | undefined;
        let idleSince = Date.now();
        while (!stream.aborted) {
          // `next` is Temporal's page token: the runs decide whether the page changed.
          if (last === undefined || JSON.stringify(page.runs) !== JSON.stringify(last)) {
            await stream.writeSSE({ id: String(++seq), event: 'runs', data: JSON.stringify(page) });
            last = page.runs;
            idleSince = Date.now();
          } else if (Date.now() - idleSince > KEEPALIVE_MS) {
            await stream.write(': keep-alive\n\n');
            idleSince = Date.now();
          }
          await stream.sleep(deps.pollMs);
          if (stream.aborted) break;
          try {
            page = await read();
          } catch (err) {
            // Temporal unreachable for a moment: say so, keep the last page, try again.
            await stream.writeSSE({ event: 'unavailable', data: JSON.stringify({ message: err instanceof Error ? err.message : String(err) }) });
            idleSince = Date.now();
          }
        }
      });
    },
  );
};
