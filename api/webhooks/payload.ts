/** Reading untrusted JSON: accessors that return undefined for anything unexpected, never throw. */

export type Json = unknown;

/** The value at a path of object keys, or undefined. */
export function at(value: Json, ...path: string[]): Json {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export function str(value: Json, ...path: string[]): string | undefined {
  const v = at(value, ...path);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function int(value: Json, ...path: string[]): number | undefined {
  const v = at(value, ...path);
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

function list(value: Json, ...path: string[]): unknown[] {
  const v = at(value, ...path);
  return Array.isArray(v) ? v : [];
}

/** Files added, modified or removed by a push's commits (GitHub, Gitea, GitLab share the shape). */
export function changedFiles(payload: Json): string[] | undefined {
  const commits = list(payload, 'commits');
  if (commits.length === 0) return undefined;
  const files = new Set<string>();
  for (const c of commits) {
    for (const key of ['added', 'modified', 'removed']) {
      for (const f of list(c, key)) if (typeof f === 'string') files.add(f);
    }
  }
  return [...files];
}

/** A push's commits (GitHub, Gitea, GitLab share the shape): id and timestamp, the time in UTC; those without either are left out. */
export function pushedCommits(payload: Json): { sha: string; committedAt: string }[] | undefined {
  const commits = list(payload, 'commits').flatMap((c) => {
    const sha = str(c, 'id');
    const time = Date.parse(str(c, 'timestamp') ?? '');
    return sha !== undefined && /^[0-9a-f]{7,64}$/i.test(sha) && Number.isFinite(time) ? [{ sha, committedAt: new Date(time).toISOString() }] : [];
  });
  return commits.length === 0 ? undefined : commits;
}

/** `refs/heads/x` → branch x, `refs/tags/v1` → tag v1. */
export function splitRef(ref: string | undefined): { branch?: string; tag?: string } {
  if (ref === undefined) return {};
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  return {};
}

/** True for the all-zero sha a forge sends when a ref is deleted. */
export const isNullSha = (sha: string | undefined): boolean => sha !== undefined && /^0+$/.test(sha);

/** Drops undefined fields (the context travels as JSON). */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
