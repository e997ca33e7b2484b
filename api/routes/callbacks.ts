/**
 * Callbacks of `service` jobs: `POST /hooks/callback/{token}`. No bearer
 * token: the single-use callback token in the path is the credential (only
 * its SHA-256 is stored). The first valid call completes the waiting job
 * attempt (completing its activity by task token while it waits, heartbeating); any later call with
 * the same token gets 409, an unknown token 404. Outputs and message are
 * masked (the job's secrets as `***`) before they reach the run. Body, all optional:
 * `{ "result": "success" | "failure", "outputs": { KEY: value }, "message": "…" }`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { ActivityNotFoundError } from '@temporalio/client';
import { OutputCollector } from '../../contracts/cout.ts';
import type { JobAttemptResult } from '../../contracts/job-attempt.ts';
import type { CallbackTarget } from '../../store/store.ts';
import type { ApiDeps, RouteModule } from '../context.ts';
import { callbackMasker } from '../callback-masking.ts';
import { ApiError } from '../errors.ts';
import { parseJsonBody } from '../json-body.ts';
import { errorResponses } from '../schemas.ts';

const CallbackBody = z
  .object({
    result: z.enum(['success', 'failure']).default('success').openapi({ description: 'the outcome on the called system; failure fails the attempt (retried per the job\'s `retries`)' }),
    outputs: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .openapi({ description: 'the job\'s outputs (values become strings; 64 KiB each, 256 KiB in all)', example: { BUILD_NUMBER: 42 } }),
    message: z.string().max(4096).optional().openapi({ description: 'shown in the job\'s log, and as the reason of a failure' }),
  })
  .openapi('CallbackBody');

const CallbackAccepted = z
  .object({ accepted: z.literal(true), runId: z.string(), job: z.string(), attempt: z.number().int() })
  .openapi('CallbackAccepted');

/** The attempt's result as the activity would have returned it. */
function attemptResult(body: z.infer<typeof CallbackBody>, outputs: Record<string, string>): JobAttemptResult {
  const base = { exitCode: null, timedOut: false, cancelled: false, warnings: [], logLines: 0, outputs };
  if (body.result === 'success') return { ...base, succeeded: true, retryable: true };
  return { ...base, succeeded: false, retryable: true, reason: `the service reported failure${body.message ? `: ${body.message}` : ''}` };
}

async function logCallback(deps: ApiDeps, target: CallbackTarget, text: string): Promise<void> {
  const { runId, jobPath, attempt } = target;
  const next = (await deps.store.countLogs(runId, jobPath, attempt)) + 1;
  await deps.store.appendLogs(runId, jobPath, attempt, next, [{ ts: Date.now(), stream: 'stdout', text }]);
}

export const callbackRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post', path: '/hooks/callback/{token}', tags: ['webhooks'],
      summary: 'A service job\'s callback (no bearer token: the single-use token in the path is the credential)',
      security: [],
      request: {
        params: z.object({ token: z.string().min(1).max(200).openapi({ param: { name: 'token', in: 'path' } }) }),
        body: { required: false, content: { 'application/json': { schema: CallbackBody } } },
      },
      responses: {
        200: { description: 'the waiting job attempt is completed', content: { 'application/json': { schema: CallbackAccepted } } },
        ...errorResponses(400, 404, 409),
      },
    }),
    async (c) => {
      const { token } = c.req.valid('param');
      // An empty body means success without outputs.
      const body = parseJsonBody(await c.req.text(), CallbackBody, '{ "result": "success"|"failure", "outputs": {…}, "message": "…" }', 'bad_callback');
      const collector = new OutputCollector();
      for (const [key, value] of Object.entries(body.outputs)) collector.add(key, String(value));
      if (collector.limitError !== undefined) throw new ApiError('bad_callback', collector.limitError);

      // Checked after the body, so a malformed call does not use the token up.
      const claim = await deps.store.claimCallback(token);
      if (claim.status === 'unknown') throw new ApiError('not_found', 'no job waits for this callback');
      if (claim.status === 'used') throw new ApiError('callback_used', 'this callback was already used: a callback completes a job once');
      const { target } = claim;
      let mask: (text: string) => string = (text) => text;
      try {
        mask = await callbackMasker(deps, target);
        const masked = { ...body, ...(body.message === undefined ? {} : { message: mask(body.message) }) };
        const outputs = Object.fromEntries(Object.entries(collector.outputs).map(([key, value]) => [key, mask(value)]));
        await deps.temporal.activity.complete(target.taskToken, attemptResult(masked, outputs));
      } catch (err) {
        if (err instanceof ActivityNotFoundError) {
          // Given back: the wait may be moving to another worker (its token is then retargeted), so a later call can still land.
          await deps.store.releaseCallback(token);
          throw new ApiError('callback_expired', `job ${target.jobPath} no longer waits for this callback (it timed out or was cancelled)`);
        }
        // Temporal unreachable or the like: the system may try again with the same token.
        await deps.store.releaseCallback(token);
        throw err;
      }
      await logCallback(deps, target, mask(`service: callback: ${body.result}${body.message ? `: ${body.message}` : ''}`));
      return c.json({ accepted: true as const, runId: target.runId, job: target.jobPath, attempt: target.attempt }, 200);
    },
  );
};
