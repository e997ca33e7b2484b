/** Text output shared by commands. */
import type { FlowIssue } from '../../flow/index.ts';

export function formatIssues(file: string, issues: readonly FlowIssue[]): string {
  return issues.map((i) => `${file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n');
}
