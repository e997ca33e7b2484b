/** Known names in messages: the list to choose from, and the closest one to a misspelling. */

/** Names as a message lists them: `a, b or c`. */
export function choiceList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

/**
 * Picks the closest known name for a misspelt one ("did you mean"), or
 * undefined when nothing is close enough to be a useful hint.
 */
export function closestName(input: string, known: readonly string[]): string | undefined {
  const folded = fold(input);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    // `allow_failure`, `AllowFailure` and `allowfailure` all mean allowFailure.
    if (fold(name) === folded) return name;
    const d = editDistance(input.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  const limit = input.length <= 4 ? 1 : input.length <= 8 ? 2 : 3;
  return bestDistance <= limit ? best : undefined;
}

function fold(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/** Levenshtein distance; inputs are field names, so the quadratic cost is irrelevant. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
