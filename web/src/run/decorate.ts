/**
 * What the run page's graph says about each box, from one status tree: the
 * state colour and a short note (duration, `attempt N`, `×K` repetitions,
 * `waiting for approval`). Pure; the tree is indexed once per status event
 * so decorating hundreds of boxes is a map lookup each, never a search.
 */
import type { JobStatus, RunStatus, StageStatus } from '../../../contracts/run-status.ts';
import { formatDuration, formatTime } from '../time.ts';

/** What GraphView's `decorateJob`/`decorateStage` take (the same shape; kept here so this stays plain TypeScript). */
export interface Decoration {
  readonly state: string;
  readonly note?: string;
}

export interface StatusIndex {
  readonly jobs: ReadonlyMap<string, JobStatus>;
  readonly stages: ReadonlyMap<string, StageStatus>;
}

/** Jobs by path and stages by name: built once per status. */
export function indexStatus(status: RunStatus): StatusIndex {
  const jobs = new Map<string, JobStatus>();
  const stages = new Map<string, StageStatus>();
  for (const stage of status.stages) {
    stages.set(stage.name, stage);
    for (const action of stage.actions) for (const job of action.jobs) jobs.set(job.path, job);
  }
  return { jobs, stages };
}

/** How long something ran: to `now` while it has not ended. */
export function durationOf(startedAt: string | undefined, endedAt: string | undefined, now: number): number | undefined {
  if (!startedAt) return undefined;
  return Math.max(0, (endedAt ? Date.parse(endedAt) : now) - Date.parse(startedAt));
}

/** A `repeat` job's repetitions in words: `×3`, with the next one's time while it waits for it. */
export function repetitionNote(job: JobStatus): string | undefined {
  if (job.repetitions === undefined && job.repeatStartedAt === undefined) return undefined;
  const count = `×${job.repetitions ?? 0}`;
  return job.nextRepetitionAt && job.state !== 'succeeded' && job.state !== 'failed' && job.state !== 'cancelled'
    ? `${count}, next ${formatTime(job.nextRepetitionAt).slice(11)}`
    : count;
}

/** The box of one job: its state and a note; undefined note keeps what the graph says of a job that has not started. */
export function decorateJob(job: JobStatus | undefined, now: number): Decoration | undefined {
  if (!job) return undefined;
  const parts: string[] = [];
  if (job.reusedFrom) parts.push('reused');
  else if (job.state === 'skipped') parts.push('skipped');
  else if (job.state === 'failed' && job.allowedFailure) parts.push('failed (allowed)');
  const took = job.reusedFrom ? undefined : durationOf(job.startedAt, job.endedAt, now);
  if (took !== undefined) parts.push(formatDuration(took));
  if (job.attempts.length > 1 && job.repetitions === undefined) parts.push(`attempt ${job.attempts.length}`);
  const reps = repetitionNote(job);
  if (reps) parts.push(reps);
  return parts.length ? { state: job.state, note: parts.join(' · ') } : { state: job.state };
}

/** The column of one stage: `waiting for approval`, `paused`, or its state and duration once started. */
export function decorateStage(stage: StageStatus | undefined, now: number): Decoration | undefined {
  if (!stage) return undefined;
  if (stage.state === 'waiting') return { state: stage.state, note: 'waiting for approval' };
  if (stage.state === 'paused') return { state: stage.state, note: 'paused' };
  if (stage.state === 'pending') return { state: stage.state };
  const took = durationOf(stage.startedAt, stage.endedAt, now);
  const outcome = stage.approval?.outcome;
  return { state: stage.state, note: [outcome ?? stage.state, took === undefined ? '' : formatDuration(took)].filter(Boolean).join(' · ') };
}

/** True while anything in the tree can still change its duration (the page ticks a clock only then). */
export function isTicking(status: RunStatus): boolean {
  return !status.endedAt && status.state !== 'succeeded' && status.state !== 'failed' && status.state !== 'cancelled';
}
