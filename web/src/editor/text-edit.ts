/**
 * Text edits: a span of the original text replaced by new text. Every
 * change the editor makes to the YAML is a list of these, computed against
 * the text as it is and applied in one go (one CodeMirror transaction, so one
 * undo step). Nothing outside the spans changes.
 */

/** Replace `text.slice(from, to)` by `insert` (positions in the original text). */
export interface TextEdit {
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

/** The edits sorted by position; throws when two overlap (a bug in the caller). */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.from - b.from || a.to - b.to);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.from < sorted[i - 1]!.to) throw new Error('overlapping text edits');
  }
  return sorted;
}

/** The text after the edits. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of sortEdits(edits)) {
    out += text.slice(at, e.from) + e.insert;
    at = e.to;
  }
  return out + text.slice(at);
}

/** Offset of the start of the line holding `pos`. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset just past the line break ending the line holding `pos` (the text's end when none). */
export function lineEndAfter(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl + 1;
}

/** Column (0-based) of `pos` in its line. */
export function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** Offset of a 1-based line:column in the text (clamped to the text). */
export function offsetOf(text: string, line: number, column: number): number {
  let pos = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) return text.length;
    pos = nl + 1;
  }
  const end = text.indexOf('\n', pos);
  return Math.min(pos + Math.max(column - 1, 0), end === -1 ? text.length : end);
}
