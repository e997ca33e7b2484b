/** Strings with `${{ … }}` in them, and `if:` conditions written with or without `${{ }}`. */
import type { Expr } from './ast.ts';
import { lex } from './lexer.ts';
import { parseExpression, parseTokens } from './parser.ts';

/** A piece of a template string: literal text, or an expression with where it sits. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'expr';
      readonly expr: Expr;
      /** The whole `${{ … }}` as written. */
      readonly source: string;
      /** Offset of `${{` in the template. */
      readonly offset: number;
    };

/** Splits a string into text and `${{ … }}` parts; offsets in errors are relative to `text`. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${{', i);
    if (open < 0) break;
    if (open > i) parts.push({ kind: 'text', text: text.slice(i, open) });
    const { tokens, end } = lex(text, open + 3, true);
    parts.push({ kind: 'expr', expr: parseTokens(tokens), source: text.slice(open, end), offset: open });
    i = end;
  }
  if (i < text.length) parts.push({ kind: 'text', text: text.slice(i) });
  return parts;
}

/** True when a string contains a `${{`. */
export function hasExpressions(text: string): boolean {
  return text.includes('${{');
}

/**
 * An `if:` condition as written: a bare expression, or one `${{ … }}` around it
 * (both are accepted, as in GitHub Actions). Offsets stay relative to `text`.
 */
export function parseCondition(text: string): Expr {
  const m = /^(\s*)\$\{\{([\s\S]*)\}\}\s*$/.exec(text);
  if (m !== null && !(m[2] ?? '').includes('}}')) return parseTokens(lex(text, (m[1] ?? '').length + 3, true).tokens);
  return parseExpression(text);
}
