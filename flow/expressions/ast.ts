/** The tree a parsed expression becomes. */
import type { FunctionName } from './functions.ts';

/**
 * The binary operators by precedence, loosest first; operators on one level
 * bind equally and associate to the left. The parser is built from this table.
 */
export const BINARY_OPERATOR_LEVELS = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>=']] as const;

export type BinaryOp = (typeof BINARY_OPERATOR_LEVELS)[number][number];

/** A parsed expression. `pos` is the offset of the node in the expression source. */
export type Expr =
  | { readonly kind: 'literal'; readonly pos: number; readonly value: null | boolean | number | string }
  | { readonly kind: 'context'; readonly pos: number; readonly name: string }
  | { readonly kind: 'member'; readonly pos: number; readonly object: Expr; readonly key: Expr }
  | { readonly kind: 'not'; readonly pos: number; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly pos: number; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'call'; readonly pos: number; readonly name: FunctionName; readonly args: readonly Expr[] };
