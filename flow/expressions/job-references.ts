/**
 * `jobs.<ref>.outputs.KEY` and `jobs.<ref>.result`: finding the job reference
 * in a chain, and rewriting it to the job path that keys the `jobs` context.
 */
import type { Expr } from './ast.ts';

/** The words after a job reference in `jobs.<ref>.outputs.KEY` / `jobs.<ref>.result`. */
const JOB_FIELDS: readonly string[] = ['outputs', 'result'];

/**
 * Finds `jobs.<ref>.outputs…` / `jobs.<ref>.result` in a member chain: the
 * reference is every name between `jobs` and the first `outputs`/`result`
 * (so `jobs.build.version.tag.outputs.V` and `jobs.tag.outputs.V` both work).
 */
export function splitJobChain(segments: readonly string[]): { ref: string; rest: readonly string[] } | undefined {
  if (segments[0] !== 'jobs') return undefined;
  const k = segments.findIndex((s, i) => i >= 2 && JOB_FIELDS.includes(s));
  if (k < 0) return undefined;
  return { ref: segments.slice(1, k).join('.'), rest: segments.slice(k) };
}

/** `e` as a `jobs.<ref>.…` chain with `<ref>` replaced by `['<path>']`, or undefined when it is none or `resolve` knows no such job. */
function rewriteJobChain(e: Expr & { kind: 'member' }, resolve: (ref: string) => string | undefined, rewrite: (e: Expr) => Expr): Expr | undefined {
  const keys: Expr[] = [];
  let base: Expr = e;
  while (base.kind === 'member') {
    keys.unshift(base.key);
    base = base.object;
  }
  if (base.kind !== 'context' || base.name !== 'jobs') return undefined;
  const names: string[] = [];
  for (const key of keys) {
    if (key.kind !== 'literal' || typeof key.value !== 'string') break;
    names.push(key.value);
  }
  const split = splitJobChain(['jobs', ...names]);
  const path = split === undefined ? undefined : resolve(split.ref);
  if (split === undefined || path === undefined) return undefined;
  const skipped = names.length - split.rest.length;
  let out: Expr = { kind: 'member', pos: e.pos, object: base, key: { kind: 'literal', pos: base.pos, value: path } };
  for (const key of keys.slice(skipped)) out = { kind: 'member', pos: key.pos, object: out, key: rewrite(key) };
  return out;
}

/**
 * Rewrites `jobs.<ref>.…` chains to `jobs['<path>'].…`, with `resolve`
 * turning a reference (full path or bare job name) into a job path; the
 * `jobs` context is keyed by job path at run time.
 */
export function resolveJobReferences(expr: Expr, resolve: (ref: string) => string | undefined): Expr {
  const rewrite = (e: Expr): Expr => {
    switch (e.kind) {
      case 'member':
        return rewriteJobChain(e, resolve, rewrite) ?? { ...e, object: rewrite(e.object), key: rewrite(e.key) };
      case 'not':
        return { ...e, operand: rewrite(e.operand) };
      case 'binary':
        return { ...e, left: rewrite(e.left), right: rewrite(e.right) };
      case 'call':
        return { ...e, args: e.args.map(rewrite) };
      default:
        return e;
    }
  };
  return rewrite(expr);
}
