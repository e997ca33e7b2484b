/** Text output shared by commands. */
import type { FlowIssue } from '../../flow/index.ts';

export function formatIssues(file: string, issues: readonly FlowIssue[], kind: 'error' | 'warning' = 'error'): string {
  const label = kind === 'warning' ? 'warning: ' : '';
  return issues.map((i) => `${file}:${i.line}:${i.column}: ${label}${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n');
}
