/** The values expressions work with, and how they convert and compare (as in GitHub Actions). */

/** A value an expression works with: JSON data. */
export type ExprValue = null | boolean | number | string | readonly ExprValue[] | { readonly [key: string]: ExprValue };

/** The named contexts (`trigger`, `run`, …) an expression reads. */
export type ExprContexts = Readonly<Record<string, ExprValue>>;

export function isObject(v: ExprValue): v is { readonly [key: string]: ExprValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Truthiness as in GitHub Actions: false, 0, '', null and NaN are false. */
export function truthy(v: ExprValue): boolean {
  if (v === null || v === false || v === '' || v === 0) return false;
  return !(typeof v === 'number' && Number.isNaN(v));
}

export function toNumber(v: ExprValue): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v.trim());
  return Number.NaN;
}

/** The text an expression becomes inside a string: null → '', objects → JSON. */
export function toText(v: ExprValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Loose comparison as in GitHub Actions: strings ignore case; mixed types compare as numbers. */
export function compare(a: ExprValue, b: ExprValue): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toUpperCase();
    const y = b.toUpperCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'object' && a !== null) return a === b ? 0 : undefined;
  if (typeof b === 'object' && b !== null) return undefined;
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}
