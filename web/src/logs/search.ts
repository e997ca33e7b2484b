/**
 * Search within a job's log: every occurrence over all loaded lines (not
 * only the rendered ones), in line order, as the viewer steps through them.
 */

export interface Match {
  /** Index of the line in the shown attempt (0-based). */
  readonly line: number;
  /** Offsets into the line's plain text. */
  readonly start: number;
  readonly end: number;
}

export interface SearchOptions {
  readonly matchCase?: boolean;
  /** Stop counting after this many (a search for "e" over 100,000 lines). */
  readonly limit?: number;
}

export const SEARCH_LIMIT = 100_000;

/** Occurrences of `needle` (literal text) in `lines`; none for an empty needle. */
export function findMatches(lines: readonly string[], needle: string, options: SearchOptions = {}): Match[] {
  if (needle === '') return [];
  const limit = options.limit ?? SEARCH_LIMIT;
  const want = options.matchCase ? needle : needle.toLowerCase();
  const out: Match[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const text = options.matchCase ? raw : raw.toLowerCase();
    let at = text.indexOf(want);
    while (at !== -1) {
      out.push({ line: i, start: at, end: at + want.length });
      if (out.length >= limit) return out;
      at = text.indexOf(want, at + want.length);
    }
  }
  return out;
}

/** The next (or previous) match index, wrapping around; -1 when there are none. */
export function stepMatch(current: number, count: number, backwards: boolean): number {
  if (count === 0) return -1;
  if (current < 0) return backwards ? count - 1 : 0;
  return (current + (backwards ? count - 1 : 1)) % count;
}

/** The first match at or after line `from` (to start near what the user is looking at). */
export function firstMatchFrom(matches: readonly Match[], from: number): number {
  if (matches.length === 0) return -1;
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (matches[mid]!.line < from) lo = mid + 1;
    else hi = mid;
  }
  return lo === matches.length ? 0 : lo;
}

/** "3 of 120", "no matches", "120+ …" when the limit cut the count. */
export function matchLabel(current: number, count: number, limit = SEARCH_LIMIT): string {
  if (count === 0) return 'no matches';
  const total = count >= limit ? `${count}+` : String(count);
  return `${current < 0 ? 0 : current + 1} of ${total}`;
}
