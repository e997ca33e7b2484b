/** What an expression reads: the static property chains from its contexts. */
import type { Expr } from './ast.ts';

/** A static property chain from a context, e.g. `jobs.build.outputs.V` → ['jobs', 'build', 'outputs', 'V']. */
export interface ExprReference {
  readonly segments: readonly string[];
  /** Offset of the context name. */
  readonly pos: number;
}

/** The chain `e` is, when it is a context followed by literal property names only. */
function staticChain(e: Expr): { segments: string[]; pos: number } | undefined {
  if (e.kind === 'context') return { segments: [e.name], pos: e.pos };
  if (e.kind === 'member' && e.key.kind === 'literal' && typeof e.key.value === 'string') {
    const inner = staticChain(e.object);
    return inner === undefined ? undefined : { segments: [...inner.segments, e.key.value], pos: inner.pos };
  }
  return undefined;
}

/**
 * Every context an expression reads, as the longest static chain of
 * property names (`a.b`, `a['b']`) from the context.
 */
export function references(expr: Expr): ExprReference[] {
  const out: ExprReference[] = [];
  const visit = (e: Expr): void => {
    const c = staticChain(e);
    if (c !== undefined) {
      out.push(c);
      return;
    }
    switch (e.kind) {
      case 'member':
        visit(e.object);
        visit(e.key);
        return;
      case 'not':
        visit(e.operand);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'call':
        e.args.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(expr);
  return out;
}

/** The context names an expression reads. */
export function contextsOf(expr: Expr): Set<string> {
  return new Set(references(expr).map((r) => r.segments[0] ?? ''));
}

/** True when an expression reads `secrets`. */
export function readsSecrets(expr: Expr): boolean {
  return contextsOf(expr).has('secrets');
}
