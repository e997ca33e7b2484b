/**
 * Branch, tag and path globs the way GitHub Actions reads them: `*` matches
 * within a path segment, `**` across segments (also none before a slash), `?`
 * one character; a pattern starting with `!` excludes. Pure: webhook trigger
 * filters and environment protection (branches) both use it.
 */

const cache = new Map<string, RegExp>();

/** The anchored regular expression of one glob. */
export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        // `**/` also matches no directory at all: `src/**/*.md` matches `src/README.md`.
        if (glob[i + 2] === '/') {
          src += '(?:.*/)?';
          i += 2;
        } else {
          src += '.*';
          i++;
        }
      } else src += '[^/]*';
    } else if (ch === '?') src += '[^/]';
    else src += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  re = new RegExp(`^${src}$`);
  if (cache.size > 1000) cache.clear();
  cache.set(glob, re);
  return re;
}

/** True when `value` passes the list: some include pattern matches (or there is none) and no `!` pattern does. */
export function matchesGlobs(value: string, patterns: readonly string[]): boolean {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  if (include.length > 0 && !include.some((p) => globToRegExp(p).test(value))) return false;
  return !exclude.some((p) => globToRegExp(p).test(value));
}

