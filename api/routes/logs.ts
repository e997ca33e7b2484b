/**
 * Logs and live streams of a run: log pages by cursor; log lines over SSE
 * (each event's id is the line's cursor, so `Last-Event-ID` resumes without
 * gaps or duplicates); the run's stage/job tree over SSE as it changes.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isFinal, type RunStatus } from '../../contracts/run-status.ts';
import { RunEndedAbnormallyError, RunNotFoundError } from '../../runs/errors.ts';
import { runStatus } from '../../runs/read-run.ts';
import type { ApiDeps, ApiEnv, ApiApp, RouteModule } from '../context.ts';
import { ApiError } from '../errors.ts';
import { LogPage, LogQuery, RunParams, errorResponses } from '../schemas.ts';
import { runIdFromParams } from './runs.ts';

const tags = ['logs'];
const KEEPALIVE_MS = 15_000;
const SSE_RESPONSE = { description: 'a text/event-stream', content: { 'text/event-stream': { schema: z.string() } } };
const runPath = '/api/v1/runs/{ns}/{repo}/{name}/{number}';

/** True once the run ended (also when Temporal ended it abnormally). */
async function runEnded(deps: ApiDeps, runId: string): Promise<boolean> {
  try {
    return isFinal((await runStatus(deps.temporal, runId)).state);
  } catch (err) {
    if (err instanceof RunEndedAbnormallyError) return true;
    throw err;
  }
}

/** `Last-Event-ID` (a reconnecting EventSource) wins over `?after=`. */
function resumeCursor(c: Context<ApiEnv>, after: number): number {
  const header = c.req.header('last-event-id');
  if (header === undefined || header === '') return after;
  const n = Number(header);
  if (!Number.isInteger(n) || n < 0) throw new ApiError('bad_cursor', 'Last-Event-ID must be a cursor this API sent');
  return n;
}

/** A page of lines, and the SSE follow of new ones. */
function logLineRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: `${runPath}/logs`, tags, summary: 'A page of log lines (after a cursor)',
      request: { params: RunParams, query: LogQuery },
      responses: { 200: { description: 'lines and the next cursor', content: { 'application/json': { schema: LogPage } } }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const runId = runIdFromParams(c.req.valid('param'));
      const { job, after, limit } = c.req.valid('query');
      const page = await deps.store.readLogs({ runId, ...(job ? { jobPath: job } : {}), after, limit });
      return c.json({ lines: [...page.lines], next: page.next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: `${runPath}/logs/stream`, tags,
      summary: 'Follow the log over SSE: `line` events (id = cursor; resume with Last-Event-ID), then `end` once the run ended and every line was sent',
      request: { params: RunParams, query: LogQuery.omit({ limit: true }) },
      responses: { 200: SSE_RESPONSE, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const runId = runIdFromParams(c.req.valid('param'));
      const { job, after } = c.req.valid('query');
      const from = resumeCursor(c, after);
      await runEnded(deps, runId); // 404 for an unknown run, before the stream opens
      return streamSSE(c, async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        let next = from;
        let lastWrite = Date.now();
        const keepAlive = setInterval(() => {
          if (Date.now() - lastWrite > KEEPALIVE_MS) void stream.write(': keep-alive\n\n');
        }, KEEPALIVE_MS);
        try {
          const lines = deps.store.followLogs({ runId, ...(job ? { jobPath: job } : {}), after: from }, { ended: () => runEnded(deps, runId), signal: abort.signal, pollMs: deps.pollMs });
          for await (const line of lines) {
            await stream.writeSSE({ id: String(line.cursor), event: 'line', data: JSON.stringify(line) });
            next = line.cursor;
            lastWrite = Date.now();
          }
          if (!abort.signal.aborted) await stream.writeSSE({ event: 'end', data: JSON.stringify({ runId, next }) });
        } finally {
          clearInterval(keepAlive);
        }
      });
    },
  );
}

/** The run's tree over SSE, as it changes. */
function runEventRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: `${runPath}/events`, tags: ['runs'],
      summary: 'Follow a run over SSE: a `status` event with the whole tree at once and whenever it changes, then `end`',
      request: { params: RunParams },
      responses: { 200: SSE_RESPONSE, ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const runId = runIdFromParams(c.req.valid('param'));
      let status: RunStatus = await runStatus(deps.temporal, runId);
      return streamSSE(c, async (stream) => {
        let seq = 0;
        let last = '';
        let idleSince = Date.now();
        while (!stream.aborted) {
          const text = JSON.stringify(status);
          if (text !== last) {
            await stream.writeSSE({ id: String(++seq), event: 'status', data: text });
            last = text;
            idleSince = Date.now();
          }
          if (isFinal(status.state)) {
            await stream.writeSSE({ event: 'end', data: JSON.stringify({ runId, state: status.state }) });
            return;
          }
          if (Date.now() - idleSince > KEEPALIVE_MS) {
            await stream.write(': keep-alive\n\n');
            idleSince = Date.now();
          }
          await stream.sleep(deps.pollMs);
          try {
            status = await runStatus(deps.temporal, runId);
          } catch (err) {
            // Gone from Temporal, or ended by Temporal itself: say so and end.
            if (!(err instanceof RunNotFoundError || err instanceof RunEndedAbnormallyError)) throw err;
            await stream.writeSSE({ event: 'end', data: JSON.stringify({ runId, state: 'unknown', error: err.message }) });
            return;
          }
        }
      });
    },
  );
}

export const logRoutes: RouteModule = (app, deps) => {
  logLineRoutes(app, deps);
  runEventRoutes(app, deps);
};
