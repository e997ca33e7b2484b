/**
 * Which secrets a job uses, and the masking of their values (`***`): pure, so
 * the worker (container and service outputs, log lines) and the API (service
 * callbacks) mask alike.
 */
import { hasExpressions, parseTemplate, references } from './expressions/index.ts';
import { jobTexts } from './job-texts.ts';
import type { JobSpec } from './model.ts';
import { maskForms, type MaskForm } from './secret-forms.ts';

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

/** Letters, digits and `_` continue a word: a short value next to one is not masked. */
const WORD_CHAR = '[\\p{L}\\p{N}_]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function alternative(form: MaskForm): string {
  const literal = escapeRegExp(form.text);
  return form.wholeWord ? `(?<!${WORD_CHAR})${literal}(?!${WORD_CHAR})` : literal;
}

/**
 * Replaces secret values, in every form of flow/secret-forms.ts, by `***`.
 * One precompiled RegExp finds, at each position, the longest form starting
 * there (a lookahead, so overlapping forms of different secrets are all
 * seen); the union of what they cover is replaced, so no part of any form
 * leaks. Values can be added while it is in use (`[COUT] ::mask::`).
 */
export class SecretMasker {
  readonly #values = new Set<string>();
  #forms: MaskForm[] = [];
  #finder: RegExp | undefined;

  constructor(values: readonly string[] = []) {
    this.add(...values);
  }

  /** Masks these values (and their encoded forms) in every later text. */
  add(...values: readonly string[]): void {
    const fresh = values.filter((v) => v !== '' && !this.#values.has(v));
    if (fresh.length === 0) return;
    for (const v of fresh) this.#values.add(v);
    const forms = new Map(this.#forms.map((f) => [f.text, f]));
    for (const form of fresh.flatMap(maskForms)) {
      const known = forms.get(form.text);
      // A text that is one secret's short value and another's longer form is masked anywhere.
      if (known === undefined || (known.wholeWord && !form.wholeWord)) forms.set(form.text, form);
    }
    this.#forms = [...forms.values()].sort((a, b) => b.text.length - a.text.length);
    this.#finder = new RegExp(`(?=(${this.#forms.map(alternative).join('|')}))`, 'gu');
  }

  /** The text with every form of every value replaced by `***`. */
  readonly mask = (text: string): string => {
    const finder = this.#finder;
    if (finder === undefined) return text;
    const spans: [number, number][] = [];
    finder.lastIndex = 0;
    for (let m = finder.exec(text); m !== null; m = finder.exec(text)) {
      const start = m.index;
      const end = start + (m[1] ?? '').length;
      const last = spans.at(-1);
      if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
      else spans.push([start, end]);
      // The match is empty (a lookahead): step past this position's whole code point.
      finder.lastIndex = start + ((text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
    }
    if (spans.length === 0) return text;
    let out = '';
    let kept = 0;
    for (const [start, end] of spans) {
      out += `${text.slice(kept, start)}***`;
      kept = end;
    }
    return out + text.slice(kept);
  };
}

/** A function that replaces every secret value, in its usual encodings, by `***` (SecretMasker). */
export function secretMasker(values: readonly string[]): (text: string) => string {
  return new SecretMasker(values).mask;
}
