/** Text output shared by commands. */
import type { FlowIssue } from '../../flow/index.ts';

export function formatIssues(file: string, issues: readonly FlowIssue[]): string {
  return issues.map((i) => `${file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
