/** Line links: `#L123` is line 123 (from 1) of the shown attempt. */

/** The line number of a `#L123` hash, or undefined for any other hash. */
export function lineOfHash(hash: string): number | undefined {
  const m = /^#?L([1-9][0-9]{0,8})$/.exec(hash);
  return m ? Number(m[1]) : undefined;
}

/** `#L123`. */
export function hashOfLine(line: number): string {
  return `#L${line}`;
}
