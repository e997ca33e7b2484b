/**
 * Checks the text being edited with the API's validator
 * (`POST /api/v1/flows/validate`) and turns its answer into located
 * problems: errors of a 422 `invalid_flow` (`details.issues`, each with
 * line:column) and warnings of a valid flow.
 */
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { FlowIssue } from '../../../flow/errors.ts';
import { api, ApiError } from '../api.ts';

export interface Problem extends FlowIssue {
  readonly severity: 'error' | 'warning';
}

export type ValidationResult =
  | { readonly kind: 'valid'; readonly uri: string; readonly problems: readonly Problem[] }
  | { readonly kind: 'invalid'; readonly problems: readonly Problem[] }
  /** The validator could not answer about the text (network, empty text, 5xx…). */
  | { readonly kind: 'failed'; readonly error: Error };

/** The validator's answer about `text`; throws only when aborted. */
export async function validate(text: string, signal?: AbortSignal): Promise<ValidationResult> {
  try {
    const res = await api<{ uri: string; warnings: FlowIssue[] }>('/flows/validate', { method: 'POST', body: text, contentType: 'application/yaml', ...(signal ? { signal } : {}) });
    return { kind: 'valid', uri: res.uri, problems: res.warnings.map((w) => ({ ...w, severity: 'warning' as const })) };
  } catch (err) {
    const issues = err instanceof ApiError && err.status === 422 ? (err.details as { issues?: FlowIssue[] } | undefined)?.issues : undefined;
    if (issues) return { kind: 'invalid', problems: issues.map((i) => ({ ...i, severity: 'error' as const })) };
    if ((err as Error).name === 'AbortError') throw err;
    return { kind: 'failed', error: err as Error };
  }
}

/** The document position of a 1-based line:column (clamped to the document). */
export function positionOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

/** CodeMirror diagnostics for the problems: from line:column to the end of the word there. */
export function diagnosticsOf(doc: Text, problems: readonly Problem[]): Diagnostic[] {
  return problems.map((p) => {
    const from = positionOf(doc, p.line, p.column);
    const line = doc.lineAt(from);
    const rest = line.text.slice(from - line.from);
    const word = /^\S+/.exec(rest)?.[0].length ?? 0;
    return { from, to: Math.min(from + word, line.to), severity: p.severity, message: p.path ? `${p.path}: ${p.message}` : p.message, source: 'coflow' };
  });
}
