/**
 * The `${{ … }}` expression language (SPEC §2): a small, safe subset of
 * GitHub Actions expressions. Parsed into a tree at validation time and
 * evaluated by a pure interpreter: no `eval`, no `Function`, no I/O, no clock,
 * no randomness — workflow code calls it, so it must be deterministic.
 *
 * Grammar: `||`, `&&`, `==`/`!=`, `<`/`<=`/`>`/`>=`, `!`, parentheses,
 * string ('…', '' escapes a quote), number, `true`/`false`/`null` literals,
 * property access `a.b` and `a['b']`, and the functions of {@link FUNCTIONS}.
 */

/** A value an expression works with: JSON data. */
export type ExprValue = null | boolean | number | string | readonly ExprValue[] | { readonly [key: string]: ExprValue };

/** The named contexts (`trigger`, `run`, …) an expression reads. */
export type ExprContexts = Readonly<Record<string, ExprValue>>;

/** How the run stands, for the status functions `success()`, `failure()`, `cancelled()`, `always()`. */
export interface ExprStatus {
  readonly failed: boolean;
  readonly cancelled: boolean;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A parsed expression. `pos` is the offset of the node in the expression source. */
export type Expr =
  | { readonly kind: 'literal'; readonly pos: number; readonly value: null | boolean | number | string }
  | { readonly kind: 'context'; readonly pos: number; readonly name: string }
  | { readonly kind: 'member'; readonly pos: number; readonly object: Expr; readonly key: Expr }
  | { readonly kind: 'not'; readonly pos: number; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly pos: number; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'call'; readonly pos: number; readonly name: string; readonly args: readonly Expr[] };

/** A syntax error; `offset` is relative to the text given to the parser. */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** An expression failed while it ran (e.g. a bad argument to `fromJSON`). */
export class ExpressionEvalError extends Error {
  override readonly name = 'ExpressionEvalError';
}

/** Functions and their arity [min, max]. Names are case-insensitive, as in GitHub Actions. */
export const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  contains: [2, 2],
  startswith: [2, 2],
  endswith: [2, 2],
  format: [1, 64],
  join: [1, 2],
  tojson: [1, 1],
  fromjson: [1, 1],
  success: [0, 0],
  failure: [0, 0],
  cancelled: [0, 0],
  always: [0, 0],
};

// ---------------------------------------------------------------- lexer

type Token =
  | { readonly t: 'num'; readonly pos: number; readonly value: number }
  | { readonly t: 'str'; readonly pos: number; readonly value: string }
  | { readonly t: 'ident'; readonly pos: number; readonly value: string }
  | { readonly t: 'op'; readonly pos: number; readonly value: string }
  | { readonly t: 'end'; readonly pos: number };

const OPS = ['||', '&&', '==', '!=', '<=', '>=', '}}', '<', '>', '!', '(', ')', '[', ']', '.', ','];

function lex(src: string, start: number, untilBraces: boolean): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw new ExpressionSyntaxError('unterminated string literal', i);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += src[j];
        j++;
      }
      tokens.push({ t: 'str', pos: i, value });
      i = j + 1;
      continue;
    }
    const num = /^(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(src.slice(i, i + 64));
    const last = tokens.at(-1);
    if (num !== null && !(last?.t === 'op' && last.value === '.')) {
      tokens.push({ t: 'num', pos: i, value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 256));
    if (ident !== null) {
      tokens.push({ t: 'ident', pos: i, value: ident[0] });
      i += ident[0].length;
      continue;
    }
    // After a dot, a property name may start with a digit (`outputs.1st`).
    const prop = /^[A-Za-z0-9_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 256));
    if (prop !== null) {
      tokens.push({ t: 'ident', pos: i, value: prop[0] });
      i += prop[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new ExpressionSyntaxError(`unexpected character "${c}"`, i);
    if (op === '}}' && untilBraces) return { tokens: [...tokens, { t: 'end', pos: i }], end: i + 2 };
    if (op === '}}') throw new ExpressionSyntaxError('unexpected "}}"', i);
    tokens.push({ t: 'op', pos: i, value: op });
    i += op.length;
  }
  if (untilBraces) throw new ExpressionSyntaxError('"${{" is not closed by "}}"', start);
  return { tokens: [...tokens, { t: 'end', pos: src.length }], end: src.length };
}

// ---------------------------------------------------------------- parser

const MAX_DEPTH = 64;

class Parser {
  readonly #tokens: Token[];
  #i = 0;
  #depth = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parseAll(): Expr {
    if (this.#peek().t === 'end') throw new ExpressionSyntaxError('empty expression', this.#peek().pos);
    const e = this.#or();
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

  #binary(ops: readonly BinaryOp[], next: () => Expr): Expr {
    let left = next();
    for (;;) {
      const t = this.#peek();
      const op = ops.find((o) => t.t === 'op' && t.value === o);
      if (op === undefined) return left;
      this.#i++;
      left = { kind: 'binary', pos: t.pos, op, left, right: next() };
    }
  }

  #or = (): Expr => this.#binary(['||'], this.#and);
  #and = (): Expr => this.#binary(['&&'], this.#eq);
  #eq = (): Expr => this.#binary(['==', '!='], this.#cmp);
  #cmp = (): Expr => this.#binary(['<', '<=', '>', '>='], this.#unary);

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
          const e = this.#nested(this.#or);
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
    // Own keys only: `constructor()` must not find Object.prototype.constructor.
    const arity = Object.hasOwn(FUNCTIONS, name.toLowerCase()) ? FUNCTIONS[name.toLowerCase()] : undefined;
    if (arity === undefined) {
      throw new ExpressionSyntaxError(`unknown function "${name}"; known: ${Object.keys(FUNCTIONS).map(displayName).join(', ')}`, pos);
    }
    this.#expectOp('(');
    const args: Expr[] = [];
    if (!this.#isOp(')')) {
      for (;;) {
        args.push(this.#nested(this.#or));
        if (!this.#isOp(',')) break;
        this.#i++;
      }
    }
    this.#expectOp(')');
    const [min, max] = arity;
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      throw new ExpressionSyntaxError(`${displayName(name.toLowerCase())}() takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`, pos);
    }
    return { kind: 'call', pos, name: name.toLowerCase(), args };
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
        const key = this.#nested(this.#or);
        this.#expectOp(']');
        e = { kind: 'member', pos: t.pos, object: e, key };
      } else {
        return e;
      }
    }
  }
}

function displayName(lower: string): string {
  return { startswith: 'startsWith', endswith: 'endsWith', tojson: 'toJSON', fromjson: 'fromJSON' }[lower] ?? lower;
}

function describeToken(t: Token): string {
  switch (t.t) {
    case 'end':
      return 'end of expression';
    case 'str':
      return `string '${t.value}'`;
    case 'num':
      return `number ${t.value}`;
    default:
      return `"${t.value}"`;
  }
}

/** Parses a bare expression (no `${{ }}`), e.g. the text of an `if:`. */
export function parseExpression(src: string): Expr {
  return new Parser(lex(src, 0, false).tokens).parseAll();
}

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
    const expr = new Parser(tokens).parseAll();
    parts.push({ kind: 'expr', expr, source: text.slice(open, end), offset: open });
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
  if (m !== null && !(m[2] ?? '').includes('}}')) {
    const { tokens } = lex(text, (m[1] ?? '').length + 3, true);
    return new Parser(tokens).parseAll();
  }
  return parseExpression(text);
}

// ---------------------------------------------------------------- references

/** A static property chain from a context, e.g. `jobs.build.outputs.V` → ['jobs', 'build', 'outputs', 'V']. */
export interface ExprReference {
  readonly segments: readonly string[];
  /** Offset of the context name. */
  readonly pos: number;
}

/**
 * Every context an expression reads, as the longest static chain of
 * property names (`a.b`, `a['b']`) from the context.
 */
export function references(expr: Expr): ExprReference[] {
  const out: ExprReference[] = [];
  const chain = (e: Expr): { segments: string[]; pos: number } | undefined => {
    if (e.kind === 'context') return { segments: [e.name], pos: e.pos };
    if (e.kind === 'member' && e.key.kind === 'literal' && typeof e.key.value === 'string') {
      const inner = chain(e.object);
      return inner === undefined ? undefined : { segments: [...inner.segments, e.key.value], pos: inner.pos };
    }
    return undefined;
  };
  const visit = (e: Expr): void => {
    const c = chain(e);
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

// ---------------------------------------------------------------- evaluation

function isObject(v: ExprValue): v is { readonly [key: string]: ExprValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Truthiness as in GitHub Actions: false, 0, '', null and NaN are false. */
export function truthy(v: ExprValue): boolean {
  if (v === null || v === false || v === '' || v === 0) return false;
  return !(typeof v === 'number' && Number.isNaN(v));
}

function toNumber(v: ExprValue): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v.trim());
  return Number.NaN;
}

/** The text an expression becomes inside a string: null → '', objects → JSON. */
export function toText(v: ExprValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Loose comparison as in GitHub Actions: strings ignore case; mixed types compare as numbers. */
function compare(a: ExprValue, b: ExprValue): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toUpperCase();
    const y = b.toUpperCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'object' && a !== null) return a === b ? 0 : undefined;
  if (typeof b === 'object' && b !== null) return undefined;
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

function member(object: ExprValue, key: ExprValue): ExprValue {
  if (Array.isArray(object)) {
    const i = toNumber(key);
    return Number.isInteger(i) && i >= 0 && i < object.length ? ((object as readonly ExprValue[])[i] ?? null) : null;
  }
  // Own properties only: `trigger.constructor` must not reach JavaScript.
  if (isObject(object) && typeof key === 'string' && Object.hasOwn(object, key)) return object[key] ?? null;
  return null;
}

function fromJson(text: ExprValue): ExprValue {
  if (typeof text !== 'string') throw new ExpressionEvalError('fromJSON() needs a string');
  try {
    return JSON.parse(text) as ExprValue;
  } catch {
    throw new ExpressionEvalError(`fromJSON(): not JSON: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`);
  }
}

function format(pattern: ExprValue, args: readonly ExprValue[]): string {
  return toText(pattern).replace(/\{\{|\}\}|\{(\d+)\}/g, (m, index: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const arg = args[Number(index)];
    if (arg === undefined) throw new ExpressionEvalError(`format(): no argument for {${index ?? ''}}`);
    return toText(arg);
  });
}

function callFunction(name: string, args: readonly ExprValue[], status: ExprStatus): ExprValue {
  const [a = null, b = null] = args;
  switch (name) {
    case 'contains':
      if (Array.isArray(a)) return (a as readonly ExprValue[]).some((item) => compare(item, b) === 0);
      return toText(a).toUpperCase().includes(toText(b).toUpperCase());
    case 'startswith':
      return toText(a).toUpperCase().startsWith(toText(b).toUpperCase());
    case 'endswith':
      return toText(a).toUpperCase().endsWith(toText(b).toUpperCase());
    case 'format':
      return format(a, args.slice(1));
    case 'join':
      return Array.isArray(a) ? (a as readonly ExprValue[]).map(toText).join(args.length > 1 ? toText(b) : ',') : toText(a);
    case 'tojson':
      return JSON.stringify(a, null, 2);
    case 'fromjson':
      return fromJson(a);
    case 'success':
      return !status.failed && !status.cancelled;
    case 'failure':
      return status.failed;
    case 'cancelled':
      return status.cancelled;
    case 'always':
      return true;
    default:
      throw new ExpressionEvalError(`unknown function ${name}()`);
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
        const c = compare(ev(e.left), ev(e.right));
        switch (e.op) {
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
        return null;
      }
      case 'call':
        return callFunction(e.name, e.args.map(ev), status);
    }
  };
  return ev(expr);
}

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

/** True when an expression reads `secrets`. */
export function readsSecrets(expr: Expr): boolean {
  return contextsOf(expr).has('secrets');
}

// ---------------------------------------------------------------- job references

/** The words after a job reference in `jobs.<ref>.outputs.KEY` / `jobs.<ref>.result`. */
export const JOB_FIELDS: readonly string[] = ['outputs', 'result'];

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

/**
 * Rewrites `jobs.<ref>.…` chains to `jobs['<path>'].…`, with `resolve`
 * turning a reference (full path or bare job name) into a job path; the
 * `jobs` context is keyed by job path at run time.
 */
export function resolveJobReferences(expr: Expr, resolve: (ref: string) => string | undefined): Expr {
  const rewrite = (e: Expr): Expr => {
    switch (e.kind) {
      case 'member': {
        const keys: Expr[] = [];
        let base: Expr = e;
        while (base.kind === 'member') {
          keys.unshift(base.key);
          base = base.object;
        }
        if (base.kind === 'context' && base.name === 'jobs') {
          const names: string[] = [];
          for (const key of keys) {
            if (key.kind !== 'literal' || typeof key.value !== 'string') break;
            names.push(key.value);
          }
          const split = splitJobChain(['jobs', ...names]);
          const path = split === undefined ? undefined : resolve(split.ref);
          if (split !== undefined && path !== undefined) {
            const skipped = names.length - split.rest.length;
            let out: Expr = { kind: 'member', pos: e.pos, object: base, key: { kind: 'literal', pos: base.pos, value: path } };
            for (const key of keys.slice(skipped)) out = { kind: 'member', pos: key.pos, object: out, key: rewrite(key) };
            return out;
          }
        }
        return { ...e, object: rewrite(e.object), key: rewrite(e.key) };
      }
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
