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

/**
 * Resolves a job reference to a job path. Accepted forms, in order:
 * a full path `stage.action.job`; a bare job name when only one job has it;
 * and, as ContainerOps runtime files did, a bare action name when that
 * action has exactly one job.
 */
export function resolveJobRef(jobs: readonly Pick<JobSpec, 'name' | 'path'>[], ref: string): JobRefResolution {
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
