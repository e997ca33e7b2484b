/** Turns tokens into an {@link Expr} tree; function calls are checked against the known functions. */
import { ExpressionSyntaxError } from '../errors.ts';
import { BINARY_OPERATOR_LEVELS, type BinaryOp, type Expr } from './ast.ts';
import { functionNames, lookupFunction } from './functions.ts';
import { describeToken, lex, type Token } from './lexer.ts';

const MAX_DEPTH = 64;

class Parser {
  readonly #tokens: readonly Token[];
  #i = 0;
  #depth = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  parseAll(): Expr {
    if (this.#peek().t === 'end') throw new ExpressionSyntaxError('empty expression', this.#peek().pos);
    const e = this.#loosest();
    const next = this.#peek();
    if (next.t !== 'end') throw new ExpressionSyntaxError(`unexpected ${describeToken(next)}`, next.pos);
    return e;
  }

  #peek(): Token {
    return this.#tokens[this.#i] ?? { t: 'end', pos: 0 };
  }

  #isOp(value: string): boolean {
    const t = this.#peek();
    return t.t === 'op' && t.value === value;
  }

  #expectOp(value: string): void {
    const t = this.#peek();
    if (!this.#isOp(value)) throw new ExpressionSyntaxError(`expected "${value}", got ${describeToken(t)}`, t.pos);
    this.#i++;
  }

  /** The binary operators of precedence `level` and tighter; past the last level, a unary expression. */
  #binary(level: number): Expr {
    const ops: readonly BinaryOp[] | undefined = BINARY_OPERATOR_LEVELS[level];
    if (ops === undefined) return this.#unary();
    let left = this.#binary(level + 1);
    for (;;) {
      const t = this.#peek();
      const op = ops.find((o) => t.t === 'op' && t.value === o);
      if (op === undefined) return left;
      this.#i++;
      left = { kind: 'binary', pos: t.pos, op, left, right: this.#binary(level + 1) };
    }
  }

  #loosest = (): Expr => this.#binary(0);

  #unary = (): Expr => {
    const t = this.#peek();
    if (this.#isOp('!')) {
      this.#i++;
      return { kind: 'not', pos: t.pos, operand: this.#nested(this.#unary) };
    }
    return this.#postfix(this.#primary());
  };

  #nested(f: () => Expr): Expr {
    if (++this.#depth > MAX_DEPTH) throw new ExpressionSyntaxError('expression nested too deeply', this.#peek().pos);
    try {
      return f();
    } finally {
      this.#depth--;
    }
  }

  #primary(): Expr {
    const t = this.#peek();
    this.#i++;
    switch (t.t) {
      case 'num':
        return { kind: 'literal', pos: t.pos, value: t.value };
      case 'str':
        return { kind: 'literal', pos: t.pos, value: t.value };
      case 'ident': {
        if (t.value === 'true' || t.value === 'false') return { kind: 'literal', pos: t.pos, value: t.value === 'true' };
        if (t.value === 'null') return { kind: 'literal', pos: t.pos, value: null };
        if (this.#isOp('(')) return this.#call(t.value, t.pos);
        if (!/^[A-Za-z_]/.test(t.value)) throw new ExpressionSyntaxError(`unexpected "${t.value}"`, t.pos);
        return { kind: 'context', pos: t.pos, name: t.value };
      }
      case 'op':
        if (t.value === '(') {
          const e = this.#nested(this.#loosest);
          this.#expectOp(')');
          return e;
        }
        break;
      case 'end':
        throw new ExpressionSyntaxError('unexpected end of expression', t.pos);
    }
    throw new ExpressionSyntaxError(`unexpected ${describeToken(t)}`, t.pos);
  }

  #call(name: string, pos: number): Expr {
    const fn = lookupFunction(name);
    if (fn === undefined) throw new ExpressionSyntaxError(`unknown function "${name}"; known: ${functionNames()}`, pos);
    this.#expectOp('(');
    const args: Expr[] = [];
    if (!this.#isOp(')')) {
      for (;;) {
        args.push(this.#nested(this.#loosest));
        if (!this.#isOp(',')) break;
        this.#i++;
      }
    }
    this.#expectOp(')');
    const [min, max] = fn.arity;
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      throw new ExpressionSyntaxError(`${fn.displayName}() takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`, pos);
    }
    return { kind: 'call', pos, name: fn.name, args };
  }

  #postfix(e: Expr): Expr {
    for (;;) {
      const t = this.#peek();
      if (this.#isOp('.')) {
        this.#i++;
        const name = this.#peek();
        if (name.t !== 'ident') throw new ExpressionSyntaxError(`expected a property name after ".", got ${describeToken(name)}`, name.pos);
        this.#i++;
        e = { kind: 'member', pos: t.pos, object: e, key: { kind: 'literal', pos: name.pos, value: name.value } };
      } else if (this.#isOp('[')) {
        this.#i++;
        const key = this.#nested(this.#loosest);
        this.#expectOp(']');
        e = { kind: 'member', pos: t.pos, object: e, key };
      } else {
        return e;
      }
    }
  }
}

/** Parses tokens from {@link lex} (ending in an `end` token) into one expression. */
export function parseTokens(tokens: readonly Token[]): Expr {
  return new Parser(tokens).parseAll();
}

/** Parses a bare expression (no `${{ }}`), e.g. the text of an `if:`. */
export function parseExpression(src: string): Expr {
  return parseTokens(lex(src, 0, false).tokens);
}
