/** Evaluating `if:` conditions and replacing `${{ … }}` in strings: what the workflow and activities call. */
import type { Expr } from './ast.ts';
import { evaluate } from './evaluate.ts';
import type { ExprStatus } from './functions.ts';
import { resolveJobReferences } from './job-references.ts';
import { hasExpressions, parseCondition, parseTemplate } from './template.ts';
import { toText, truthy, type ExprContexts } from './values.ts';

/** Options of {@link evaluateCondition} and {@link interpolate}. */
export interface EvalOptions {
  /** Run state for `success()`, `failure()`, `cancelled()`. */
  readonly status?: ExprStatus;
  /** Turns a job reference (`build.unit.test` or a bare name) into the job path that keys the `jobs` context. */
  readonly resolveJob?: (ref: string) => string | undefined;
  /** Expressions to leave as written (the workflow defers `secrets` to the job activity). */
  readonly defer?: (expr: Expr) => boolean;
}

/** Evaluates an `if:` condition to a boolean. */
export function evaluateCondition(condition: string, contexts: ExprContexts, options: EvalOptions = {}): boolean {
  const parsed = parseCondition(condition);
  const expr = options.resolveJob === undefined ? parsed : resolveJobReferences(parsed, options.resolveJob);
  return truthy(evaluate(expr, contexts, options.status));
}

/**
 * Replaces every `${{ … }}` in `text` by its value as text. Expressions for
 * which `options.defer` returns true are left as written, to be resolved
 * later (the workflow defers `secrets`, which only the job activity may see).
 */
export function interpolate(text: string, contexts: ExprContexts, options: EvalOptions = {}): string {
  if (!hasExpressions(text)) return text;
  const { defer, resolveJob, status } = options;
  return parseTemplate(text)
    .map((part) => {
      if (part.kind === 'text') return part.text;
      if (defer?.(part.expr)) return part.source;
      return toText(evaluate(resolveJob === undefined ? part.expr : resolveJobReferences(part.expr, resolveJob), contexts, status));
    })
    .join('');
}
