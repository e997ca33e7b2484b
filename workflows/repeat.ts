/**
 * `repeat` for 7x24 scenarios: a job's attempts again and again, one
 * repetition every interval, until a bound (count, duration, instant) is
 * reached or a repetition fails. Between repetitions the run may continue as
 * new (continue-as-new.ts).
 */
import { isCancellation, sleep } from '@temporalio/workflow';
import type { JobSpec } from '../flow/model.ts';
import type { JobState, JobStatus } from '../contracts/run-status.ts';
import { runAttempts } from './attempts.ts';
import { maybeContinueAsNew } from './continue-as-new.ts';
import { finish, now, type RunContext } from './run-context.ts';

/** Succeeded attempts of one repetition leave the job running; it ends when a bound is reached or a repetition fails. */
export async function runRepeated(ctx: RunContext, job: JobSpec, js: JobStatus): Promise<JobState> {
  const repeat = job.repeat!;
  js.repeatStartedAt ??= now();
  js.repetitions ??= 0;
  const first = Date.parse(js.repeatStartedAt);
  const boundReached = (at: number): boolean =>
    (repeat.count > 0 && js.repetitions! >= repeat.count) ||
    (repeat.forMs > 0 && at >= first + repeat.forMs) ||
    (repeat.until !== undefined && at >= Date.parse(repeat.until));

  for (;;) {
    if (js.nextRepetitionAt !== undefined) {
      // Resumed after continue-as-new: keep the interval the last execution was waiting out.
      try {
        await sleep(Math.max(Date.parse(js.nextRepetitionAt) - Date.now(), 1));
      } catch (err) {
        if (!isCancellation(err)) throw err;
        return finish(js, 'cancelled');
      }
      delete js.nextRepetitionAt;
    }
    if (boundReached(Date.now())) return finish(js, 'succeeded');
    const started = Date.now();
    const state = await runAttempts(ctx, job, js);
    if (state !== 'succeeded') return state;
    js.repetitions++;
    const next = started + repeat.everyMs;
    if (boundReached(next)) return finish(js, 'succeeded');
    js.nextRepetitionAt = new Date(next).toISOString();
    await maybeContinueAsNew(ctx);
  }
}
