/**
 * The `${{ … }}` expression language (SPEC §2): a small, safe subset of
 * GitHub Actions expressions. Parsed into a tree at validation time and
 * evaluated by a pure interpreter: no `eval`, no `Function`, no I/O, no clock,
 * no randomness — workflow code calls it, so it must be deterministic.
 *
 * Grammar: `||`, `&&`, `==`/`!=`, `<`/`<=`/`>`/`>=`, `!`, parentheses,
 * string ('…', '' escapes a quote), number, `true`/`false`/`null` literals,
 * property access `a.b` and `a['b']`, and the functions of `functions.ts`.
 */
export type { Expr } from './ast.ts';
export { evaluate } from './evaluate.ts';
export type { ExprStatus } from './functions.ts';
export { evaluateCondition, interpolate } from './interpolate.ts';
export type { EvalOptions } from './interpolate.ts';
export { splitJobChain } from './job-references.ts';
export { parseExpression } from './parser.ts';
export { contextsOf, readsSecrets, references } from './references.ts';
export type { ExprReference } from './references.ts';
export { hasExpressions, parseCondition, parseTemplate } from './template.ts';
export type { TemplatePart } from './template.ts';
export type { ExprContexts, ExprValue } from './values.ts';
export { ExpressionEvalError, ExpressionSyntaxError } from '../errors.ts';
