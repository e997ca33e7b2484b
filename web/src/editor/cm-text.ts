/**
 * Between the YAML text (a string, offsets in UTF-16 units) and the
 * CodeMirror document: the line separator the file uses is kept as is (so
 * CRLF files come back byte for byte), and text edits are mapped to
 * document positions (CodeMirror counts a CRLF as one position).
 */
import type { ChangeSpec, EditorState } from '@codemirror/state';
import type { TextEdit } from './text-edit.ts';

/** The separator CodeMirror must split lines on to give this text back unchanged. */
export function lineSeparatorOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** CodeMirror changes for edits computed on `text` (the document's `toString()`). */
export function changesOf(text: string, edits: readonly TextEdit[]): ChangeSpec[] {
  const sep = lineSeparatorOf(text);
  if (sep === '\n') return edits.map((e) => ({ from: e.from, to: e.to, insert: e.insert }));
  const pos = (offset: number): number => offset - (text.slice(0, offset).match(/\r\n/g)?.length ?? 0);
  return edits.map((e) => ({ from: pos(e.from), to: pos(e.to), insert: e.insert.replace(/\r?\n/g, sep) }));
}

/** The document's text with its own line separator (`doc.toString()` would turn CRLF into LF). */
export function textOf(state: EditorState): string {
  return state.sliceDoc();
}
