/**
 * Job paths (`stage.action.job`) and reference resolution. Pure: imported by
 * workflow code as well as by the parser.
 */
import type { JobSpec } from './model.ts';

/** The path of a job: `stage.action.job`. */
export function jobPath(stage: string, action: string, job: string): string {
  return `${stage}.${action}.${job}`;
}

/** Splits a job path into its names, or undefined when it is not `stage.action.job`. */
export function splitJobPath(path: string): { stage: string; action: string; job: string } | undefined {
  const parts = path.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) return undefined;
  const [stage = '', action = '', job = ''] = parts;
  return { stage, action, job };
}

/** Outcome of resolving a job reference. */
export type JobRefResolution =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: 'unknown' | 'ambiguous'; readonly candidates: readonly string[] };

/** The message for an ambiguous reference, naming what to write instead. */
export function ambiguousRefMessage(ref: string, candidates: readonly string[]): string {
  return `job reference "${ref}" is ambiguous (${candidates.join(', ')}); write ${ref.includes('.') ? 'one of these paths' : 'the full path stage.action.job'}`;
}

/**
 * A job as references see it. `writtenPath` is the path with the names as
 * written, when a duplicate action or job name was numbered (see
 * `flow/duplicate-names.ts`); the parser passes it, the workflow does not need to.
 */
export type ReferableJob = Pick<JobSpec, 'name' | 'path'> & { readonly writtenPath?: string };

/**
 * Resolves a job reference to a job path. Accepted forms, in order:
 * a full path `stage.action.job`; a bare job name when only one job has it;
 * and, as ContainerOps runtime files did, a bare action name when that
 * action has exactly one job. A reference that names, as written, a path or
 * name shared through duplicate names is ambiguous.
 */
export function resolveJobRef(jobs: readonly ReferableJob[], ref: string): JobRefResolution {
  const shared = sharedByDuplicates(jobs, ref);
  if (shared !== undefined) return { ok: false, reason: 'ambiguous', candidates: shared };
  if (ref.includes('.')) {
    return jobs.some((j) => j.path === ref) ? { ok: true, path: ref } : { ok: false, reason: 'unknown', candidates: [] };
  }
  const byName = jobs.filter((j) => j.name === ref).map((j) => j.path);
  if (byName.length === 1 && byName[0] !== undefined) return { ok: true, path: byName[0] };
  if (byName.length > 1) return { ok: false, reason: 'ambiguous', candidates: byName };
  const actionPaths = new Map<string, string[]>();
  for (const job of jobs) {
    const parts = splitJobPath(job.path);
    if (parts?.action !== ref) continue;
    const key = `${parts.stage}.${parts.action}`;
    actionPaths.set(key, [...(actionPaths.get(key) ?? []), job.path]);
  }
  const single = [...actionPaths.values()].filter((paths) => paths.length === 1).flat();
  if (actionPaths.size === 1 && single.length === 1 && single[0] !== undefined) return { ok: true, path: single[0] };
  return { ok: false, reason: actionPaths.size > 0 ? 'ambiguous' : 'unknown', candidates: [...actionPaths.values()].flat() };
}

/**
 * The jobs a reference could mean by the names as written, when duplicate
 * names make that more than one (else undefined).
 */
function sharedByDuplicates(jobs: readonly ReferableJob[], ref: string): string[] | undefined {
  const renamed = jobs.filter((j) => j.writtenPath !== undefined && j.writtenPath !== j.path);
  if (renamed.length === 0) return undefined;
  const written = (j: ReferableJob): { stage: string; action: string; job: string } | undefined => splitJobPath(j.writtenPath ?? j.path);
  let matches: ReferableJob[];
  if (ref.includes('.')) matches = jobs.filter((j) => (j.writtenPath ?? j.path) === ref);
  else {
    matches = jobs.filter((j) => written(j)?.job === ref);
    if (matches.length === 0) {
      // A bare action name: ambiguous when several actions were written with it.
      const actions = new Set(jobs.filter((j) => written(j)?.action === ref).map((j) => j.path.split('.').slice(0, 2).join('.')));
      if (actions.size > 1) matches = jobs.filter((j) => written(j)?.action === ref);
    }
  }
  return matches.length > 1 && matches.some((j) => renamed.includes(j)) ? matches.map((j) => j.path) : undefined;
}
