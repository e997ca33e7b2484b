/** The interpreter: pure, deterministic, and unable to reach JavaScript objects. */
import type { BinaryOp, Expr } from './ast.ts';
import { callFunction, type ExprStatus } from './functions.ts';
import { compare, isObject, toNumber, truthy, type ExprContexts, type ExprValue } from './values.ts';

function member(object: ExprValue, key: ExprValue): ExprValue {
  if (Array.isArray(object)) {
    const i = toNumber(key);
    return Number.isInteger(i) && i >= 0 && i < object.length ? ((object as readonly ExprValue[])[i] ?? null) : null;
  }
  // Own properties only: `trigger.constructor` must not reach JavaScript.
  if (isObject(object) && typeof key === 'string' && Object.hasOwn(object, key)) return object[key] ?? null;
  return null;
}

function comparison(op: Exclude<BinaryOp, '&&' | '||'>, c: number | undefined): boolean {
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c !== undefined && c < 0;
    case '<=':
      return c !== undefined && c <= 0;
    case '>':
      return c !== undefined && c > 0;
    case '>=':
      return c !== undefined && c >= 0;
  }
}

const RUNNING: ExprStatus = { failed: false, cancelled: false };

/** Evaluates an expression against contexts. Unknown contexts and properties read as null. */
export function evaluate(expr: Expr, contexts: ExprContexts, status: ExprStatus = RUNNING): ExprValue {
  const ev = (e: Expr): ExprValue => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'context':
        return Object.hasOwn(contexts, e.name) ? (contexts[e.name] ?? null) : null;
      case 'member':
        return member(ev(e.object), ev(e.key));
      case 'not':
        return !truthy(ev(e.operand));
      case 'binary': {
        // && and || return an operand (not a boolean) and short-circuit, as in GitHub Actions.
        if (e.op === '&&') {
          const left = ev(e.left);
          return truthy(left) ? ev(e.right) : left;
        }
        if (e.op === '||') {
          const left = ev(e.left);
          return truthy(left) ? left : ev(e.right);
        }
        return comparison(e.op, compare(ev(e.left), ev(e.right)));
      }
      case 'call':
        return callFunction(e.name, e.args.map(ev), status);
    }
  };
  return ev(expr);
}
