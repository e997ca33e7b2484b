/**
 * Which secrets a job uses, and the masking of their values (`***`): pure, so
 * the worker (container and service outputs, log lines) and the API (service
 * callbacks) mask alike.
 */
import { maskForms, type MaskForm } from './secret-forms.ts';

export { secretNames } from './job-texts.ts';

/** Letters, digits and `_` continue a word: a short value next to one is not masked. */
const WORD_CHAR = '[\\p{L}\\p{N}_]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function alternative(form: MaskForm): string {
  const literal = escapeRegExp(form.text);
  return form.wholeWord ? `(?<!${WORD_CHAR})${literal}(?!${WORD_CHAR})` : literal;
}

/** Values added one by one (`::mask::`) are compiled in groups this large, so adding one recompiles a small RegExp. */
const ADDED_GROUP_VALUES = 16;

/** Some values' forms and the RegExp that yields, at each position, the longest of them starting there. */
class FormGroup {
  readonly #forms = new Map<string, MaskForm>();
  values = 0;
  finder: RegExp | undefined;

  add(values: readonly string[]): void {
    for (const form of values.flatMap(maskForms)) {
      const known = this.#forms.get(form.text);
      // A text that is one secret's short value and another's longer form is masked anywhere.
      if (known === undefined || (known.wholeWord && !form.wholeWord)) this.#forms.set(form.text, form);
    }
    this.values += values.length;
    const forms = [...this.#forms.values()].sort((x, y) => y.text.length - x.text.length);
    this.finder = forms.length === 0 ? undefined : new RegExp(`(?=(${forms.map(alternative).join('|')}))`, 'gu');
  }

  /** Appends [start, end) of every form found in the text, in order of start. */
  find(text: string, spans: [number, number][]): void {
    const finder = this.finder;
    if (finder === undefined) return;
    finder.lastIndex = 0;
    for (let m = finder.exec(text); m !== null; m = finder.exec(text)) {
      spans.push([m.index, m.index + (m[1] ?? '').length]);
      // The match is empty (a lookahead): step past this position's whole code point.
      finder.lastIndex = m.index + ((text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
    }
  }
}

/**
 * Replaces secret values, in every form of flow/secret-forms.ts, by `***`.
 * A precompiled RegExp finds, at each position, the longest form starting
 * there (a lookahead, so overlapping forms of different secrets are all
 * seen); the union of what they cover is replaced, so no part of any form
 * leaks. Values can be added while it is in use (`[COUT] ::mask::`): they go
 * to small groups of their own, so that many of them do not make each
 * addition recompile everything.
 */
export class SecretMasker {
  readonly #values = new Set<string>();
  readonly #groups: FormGroup[] = [];
  /** Groups before this index hold the values given at construction. */
  readonly #addedFrom: number;

  constructor(values: readonly string[] = []) {
    const fresh = this.#fresh(values);
    if (fresh.length > 0) {
      const group = new FormGroup();
      group.add(fresh);
      this.#groups.push(group);
    }
    this.#addedFrom = this.#groups.length;
  }

  /** Masks these values (and their encoded forms) in every later text. */
  add(...values: readonly string[]): void {
    for (const value of this.#fresh(values)) {
      let group = this.#groups.at(-1);
      if (group === undefined || this.#groups.length === this.#addedFrom || group.values >= ADDED_GROUP_VALUES) this.#groups.push((group = new FormGroup()));
      group.add([value]);
    }
  }

  #fresh(values: readonly string[]): string[] {
    const fresh = [...new Set(values)].filter((v) => v !== '' && !this.#values.has(v));
    for (const v of fresh) this.#values.add(v);
    return fresh;
  }

  /** The text with every form of every value replaced by `***`. */
  readonly mask = (text: string): string => {
    const found: [number, number][] = [];
    for (const group of this.#groups) group.find(text, found);
    if (found.length === 0) return text;
    if (this.#groups.length > 1) found.sort((x, y) => x[0] - y[0]);
    let out = '';
    let kept = 0;
    let [from, to] = found[0]!;
    for (const [start, end] of found) {
      if (start <= to) to = Math.max(to, end);
      else {
        out += `${text.slice(kept, from)}***`;
        [kept, from, to] = [to, start, end];
      }
    }
    return `${out}${text.slice(kept, from)}***${text.slice(to)}`;
  };
}

/** A function that replaces every secret value, in its usual encodings, by `***` (SecretMasker). */
export function secretMasker(values: readonly string[]): (text: string) => string {
  return new SecretMasker(values).mask;
}
