/**
 * The frame every coflow YAML file is read in (flows, environments files):
 * syntax errors located, then a reader over the document, then the issues and
 * warnings it collected sorted by place.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { FlowIssue } from './errors.ts';
import { YamlReader } from './yaml-reader.ts';

export type YamlFileOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly FlowIssue[] }
  | { readonly ok: false; readonly issues: readonly FlowIssue[]; readonly warnings: readonly FlowIssue[] };

function byPlace(a: FlowIssue, b: FlowIssue): number {
  return a.line - b.line || a.column - b.column;
}

/** Parses `text` and reads it with `read`; not ok when YAML is malformed, `read` reported an issue, or it returned nothing. */
export function readYamlFile<T>(text: string, read: (r: YamlReader) => T | undefined): YamlFileOutcome<T> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): FlowIssue => {
      const { line, col } = lines.linePos(e.pos[0]);
      return { path: '', line, column: col, message: `YAML syntax error: ${e.message}` };
    });
    return { ok: false, issues, warnings: [] };
  }
  const r = new YamlReader(doc, lines);
  const value = read(r);
  const warnings = [...r.warnings].sort(byPlace);
  if (r.issues.length > 0 || value === undefined) return { ok: false, issues: [...r.issues].sort(byPlace), warnings };
  return { ok: true, value, warnings };
}
