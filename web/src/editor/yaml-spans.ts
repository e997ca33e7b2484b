/**
 * Span-level edits of a YAML document: append to / remove from / swap items
 * of a sequence, add a key to a mapping, replace a scalar. Each returns
 * text edits computed from the nodes' source ranges (`node.range`), in block
 * or flow style as the collection is written, so the rest of the text —
 * comments, blank lines, quoting — stays as it was.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { blockItem, blockPair, flowText, scalarText, type NewValue } from './yaml-write.ts';
import { columnOf, lineEndAfter, lineStart, type TextEdit } from './text-edit.ts';

type Ranged = { range?: [number, number, number] | null };

function rangeOf(node: unknown): [number, number] {
  const r = (node as Ranged | null)?.range;
  if (!r) throw new Error('a YAML node without a source range');
  return [r[0], r[1]];
}

/** Position of the `-` that introduces a block sequence item starting at `pos`. */
function dashBefore(text: string, pos: number): number {
  let i = pos - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  if (text[i] !== '-') throw new Error(`no "-" before the item at offset ${pos}`);
  return i;
}

/** The whole lines of one block sequence item: from its dash line's start to past its last line. */
export function blockItemSpan(text: string, item: unknown): [number, number] {
  const [start, end] = rangeOf(item);
  return [lineStart(text, dashBefore(text, start)), lineEndAfter(text, Math.max(end - 1, start))];
}

/** Text inserted at `pos` so it begins on a line of its own. */
function onNewLine(text: string, pos: number, lines: string): TextEdit {
  return { from: pos, to: pos, insert: pos > 0 && text[pos - 1] !== '\n' ? '\n' + lines : lines };
}

/** Appends `value` to a sequence (block items at the existing dash column; flow items after a comma). */
export function appendItem(text: string, seq: YAMLSeq, value: NewValue): TextEdit {
  const items = seq.items.filter((i) => i !== null);
  const last = items[items.length - 1];
  if (seq.flow) {
    if (last === undefined) {
      const open = text.indexOf('[', rangeOf(seq)[0]);
      return { from: open + 1, to: open + 1, insert: ` ${flowText(value)} ` };
    }
    const end = rangeOf(last)[1];
    return { from: end, to: end, insert: `, ${flowText(value)}` };
  }
  if (last === undefined) throw new Error('an empty block sequence');
  const dashCol = columnOf(text, dashBefore(text, rangeOf(items[0])[0]));
  return onNewLine(text, blockItemSpan(text, last)[1], blockItem(value, dashCol));
}

/** Inserts `value` before item `index` of a sequence. */
export function insertItem(text: string, seq: YAMLSeq, index: number, value: NewValue): TextEdit {
  const before = seq.items[index];
  if (before === undefined || before === null) return appendItem(text, seq, value);
  if (seq.flow) {
    const start = rangeOf(before)[0];
    return { from: start, to: start, insert: `${flowText(value)}, ` };
  }
  // Above the comment lines that introduce the item: they stay with it.
  let at = blockItemSpan(text, before)[0];
  while (at > 0 && /^[ \t]*#/.test(text.slice(lineStart(text, at - 1), at))) at = lineStart(text, at - 1);
  return { from: at, to: at, insert: blockItem(value, columnOf(text, dashBefore(text, rangeOf(before)[0]))) };
}

/** Removes item `index` of a sequence with its separator (block: its lines; flow: the item and one comma). */
export function removeItem(text: string, seq: YAMLSeq, index: number): TextEdit {
  const item = seq.items[index];
  if (!seq.flow) {
    const [from, to] = blockItemSpan(text, item);
    return { from, to, insert: '' };
  }
  const [start, end] = rangeOf(item);
  const next = seq.items[index + 1];
  if (next !== undefined && next !== null) return { from: start, to: rangeOf(next)[0], insert: '' };
  const prev = seq.items[index - 1];
  if (prev !== undefined && prev !== null) return { from: rangeOf(prev)[1], to: end, insert: '' };
  // The only item: the brackets are left empty, `[]`.
  const [open, close] = rangeOf(seq);
  return { from: open + 1, to: text.lastIndexOf(']', close), insert: '' };
}

/** Swaps items `index` and `index + 1` of a sequence, moving each one's text as written. */
export function swapItems(text: string, seq: YAMLSeq, index: number): TextEdit {
  const a = seq.items[index];
  const b = seq.items[index + 1];
  if (a === undefined || b === undefined || a === null || b === null) throw new Error('no item to swap with');
  const [a0, a1] = seq.flow ? rangeOf(a) : blockItemSpan(text, a);
  const [b0, b1] = seq.flow ? rangeOf(b) : blockItemSpan(text, b);
  let first = text.slice(b0, b1);
  let second = text.slice(a0, a1);
  if (!seq.flow && !first.endsWith('\n') && second.endsWith('\n')) {
    // The later item ended the file without a line break: the break stays at the end.
    first += '\n';
    second = second.slice(0, -1);
  }
  return { from: a0, to: b1, insert: first + text.slice(a1, b0) + second };
}

/** The whole lines of one pair of a block mapping. */
export function blockPairSpan(text: string, pair: Pair): [number, number] {
  const [k0, k1] = rangeOf(pair.key);
  const end = pair.value === null || (pair.value as Ranged).range == null ? k1 : Math.max(k1, rangeOf(pair.value)[1]);
  return [lineStart(text, k0), lineEndAfter(text, Math.max(end - 1, k0))];
}

/** Removes a pair of a mapping (block: its lines; flow: the pair and one comma). */
export function removePair(text: string, map: YAMLMap, pair: Pair): TextEdit {
  if (!map.flow) {
    const [from, to] = blockPairSpan(text, pair);
    return { from, to, insert: '' };
  }
  const index = map.items.indexOf(pair);
  const end = pair.value === null ? rangeOf(pair.key)[1] : rangeOf(pair.value)[1];
  const next = map.items[index + 1];
  if (next !== undefined) return { from: rangeOf(pair.key)[0], to: rangeOf(next.key)[0], insert: '' };
  const prev = map.items[index - 1];
  if (prev !== undefined) return { from: prev.value === null ? rangeOf(prev.key)[1] : rangeOf(prev.value)[1], to: end, insert: '' };
  return { from: rangeOf(pair.key)[0], to: end, insert: '' };
}

/** Adds `key: value` to a mapping: a block mapping gets a line after its last pair, a flow mapping `, key: value`. */
export function addPair(text: string, map: YAMLMap, key: string, value: NewValue, first = false): TextEdit {
  const pairs = map.items;
  if (map.flow) {
    if (pairs.length === 0) {
      const open = text.indexOf('{', rangeOf(map)[0]);
      return { from: open + 1, to: open + 1, insert: ` ${scalarText(key)}: ${flowText(value)} ` };
    }
    if (first) {
      const at = rangeOf(pairs[0]!.key)[0];
      return { from: at, to: at, insert: `${scalarText(key)}: ${flowText(value)}, ` };
    }
    const last = pairs[pairs.length - 1]!;
    const end = last.value === null ? rangeOf(last.key)[1] : Math.max(rangeOf(last.key)[1], rangeOf(last.value)[1]);
    return { from: end, to: end, insert: `, ${scalarText(key)}: ${flowText(value)}` };
  }
  if (pairs.length === 0) throw new Error('an empty block mapping');
  const firstKey = rangeOf(pairs[0]!.key)[0];
  const col = columnOf(text, firstKey);
  if (first) {
    // On the first key's line (after a `- `), pushing that key to the next line.
    return { from: firstKey, to: firstKey, insert: blockPair(key, value, col).slice(col) + ' '.repeat(col) };
  }
  return onNewLine(text, blockPairSpan(text, pairs[pairs.length - 1]!)[1], blockPair(key, value, col));
}

/** Replaces a scalar's text by `value`, keeping its quoting style where it can. */
export function replaceScalar(scalar: Scalar, value: string): TextEdit {
  const [from, to] = rangeOf(scalar);
  const written = scalar.type === 'QUOTE_DOUBLE' ? JSON.stringify(value) : scalar.type === 'QUOTE_SINGLE' ? `'${value.replaceAll("'", "''")}'` : scalarText(value);
  return { from, to, insert: written };
}

/** The pair of `key` in a mapping node, if any. */
export function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return (map.items).find((p) => isScalar(p.key) && p.key.value === key);
}

/** The value node of `key` in a mapping node, if any. */
export function valueOf(map: unknown, key: string): Node | undefined {
  const v = pairOf(map, key)?.value;
  return v === null || v === undefined ? undefined : (v as Node);
}

export { isMap, isSeq, isScalar };
