/**
 * Which secrets a job uses, and the masking of their values (`***`): pure, so
 * the worker (container and service outputs, log lines) and the API (service
 * callbacks) mask alike.
 */
import { hasExpressions, parseTemplate, references } from './expressions/index.ts';
import { jobTexts } from './job-texts.ts';
import type { JobSpec } from './model.ts';

/** Names of the secrets a job's fields use (its service call's included). */
export function secretNames(job: JobSpec): string[] {
  const names = new Set<string>();
  for (const text of jobTexts(job)) {
    if (!hasExpressions(text)) continue;
    for (const part of parseTemplate(text)) {
      if (part.kind !== 'expr') continue;
      for (const ref of references(part.expr)) if (ref.segments[0] === 'secrets' && ref.segments[1] !== undefined) names.add(ref.segments[1]);
    }
  }
  return [...names];
}

/** A function that replaces every secret value in a text by `***` (longest first, so no part of one leaks). */
export function secretMasker(values: readonly string[]): (text: string) => string {
  const masked = [...new Set(values.filter((v) => v.length >= 2))].sort((a, b) => b.length - a.length);
  if (masked.length === 0) return (text) => text;
  return (text) => masked.reduce((t, v) => t.split(v).join('***'), text);
}
