/** Splits expression source into tokens. */
import { ExpressionSyntaxError } from '../errors.ts';

export type Token =
  | { readonly t: 'num'; readonly pos: number; readonly value: number }
  | { readonly t: 'str'; readonly pos: number; readonly value: string }
  | { readonly t: 'ident'; readonly pos: number; readonly value: string }
  | { readonly t: 'op'; readonly pos: number; readonly value: string }
  | { readonly t: 'end'; readonly pos: number };

// Longer operators first, so `<=` is not read as `<` then `=`.
const OPS = ['||', '&&', '==', '!=', '<=', '>=', '}}', '<', '>', '!', '(', ')', '[', ']', '.', ','];

/** Reads a '…' literal starting at `i` ('' is a quote); returns its value and the offset after it. */
function readString(src: string, i: number): { value: string; next: number } {
  let value = '';
  let j = i + 1;
  for (;;) {
    if (j >= src.length) throw new ExpressionSyntaxError('unterminated string literal', i);
    if (src[j] === "'") {
      if (src[j + 1] !== "'") return { value, next: j + 1 };
      value += "'";
      j += 2;
      continue;
    }
    value += src[j];
    j++;
  }
}

/** The number or name token at `i`, if one starts there, and its length. */
function readWord(src: string, i: number, tokens: readonly Token[]): { token: Token; length: number } | undefined {
  const num = /^(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(src.slice(i, i + 64));
  const last = tokens.at(-1);
  if (num !== null && !(last?.t === 'op' && last.value === '.')) return { token: { t: 'num', pos: i, value: Number(num[0]) }, length: num[0].length };
  // A name may start with a digit only after a dot (`outputs.1st`): elsewhere the digit began a number.
  const name = /^[A-Za-z0-9_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 256));
  return name === null ? undefined : { token: { t: 'ident', pos: i, value: name[0] }, length: name[0].length };
}

/**
 * Tokenizes `src` from `start`. With `untilBraces`, stops at the `}}` that
 * closes a `${{` and returns the offset after it; otherwise reads to the end.
 */
export function lex(src: string, start: number, untilBraces: boolean): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      const { value, next } = readString(src, i);
      tokens.push({ t: 'str', pos: i, value });
      i = next;
      continue;
    }
    const word = readWord(src, i, tokens);
    if (word !== undefined) {
      tokens.push(word.token);
      i += word.length;
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

/** A token as error messages name it. */
export function describeToken(t: Token): string {
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
