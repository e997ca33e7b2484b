/**
 * Writes the small values the editor adds (a stage, an action, a job, a
 * data link) as YAML text, in block style at a given indentation or in flow
 * style, matching the collection they go into.
 */

export type NewValue = string | readonly NewValue[] | { readonly [key: string]: NewValue };

const PLAIN = /^[A-Za-z0-9_/][\w ./:@=-]*$/;
const RESERVED = /^(?:true|false|yes|no|on|off|null|~|[-+]?(?:\d[\d_]*(?:\.\d*)?(?:e[-+]?\d+)?|\.inf|\.nan|0x[0-9a-f]+|0o[0-7]+))$/i;

/** A scalar: plain when that reads back as the same string, double-quoted otherwise. */
export function scalarText(value: string): string {
  return PLAIN.test(value) && !value.endsWith(' ') && !value.includes(' #') && !value.includes(': ') && !RESERVED.test(value) ? value : JSON.stringify(value);
}

const isSeq = (v: NewValue): v is readonly NewValue[] => Array.isArray(v);
const isMap = (v: NewValue): v is { readonly [key: string]: NewValue } => typeof v === 'object' && !Array.isArray(v);

/** Flow style: `{ name: a, jobs: [ … ] }`. */
export function flowText(value: NewValue): string {
  if (isSeq(value)) return value.length === 0 ? '[]' : `[ ${value.map(flowText).join(', ')} ]`;
  if (isMap(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${scalarText(k)}: ${flowText(v)}`).join(', ')} }`;
  }
  return scalarText(value);
}

const isEmpty = (v: NewValue): boolean => typeof v !== 'string' && Object.keys(v).length === 0;

/** The lines of `key: value` in a block mapping at column `col` (each line ends with `\n`). */
export function blockPair(key: string, value: NewValue, col: number): string {
  const pad = ' '.repeat(col);
  if (typeof value === 'string' || isEmpty(value)) return `${pad}${scalarText(key)}: ${flowText(value)}\n`;
  if (isSeq(value)) return `${pad}${scalarText(key)}:\n${value.map((v) => blockItem(v, col + 2)).join('')}`;
  return `${pad}${scalarText(key)}:\n${blockMap(value, col + 2)}`;
}

function blockMap(value: { readonly [key: string]: NewValue }, col: number): string {
  return Object.entries(value).map(([k, v]) => blockPair(k, v, col)).join('');
}

/** One item of a block sequence whose dash is at column `dashCol`: `- key: value` and its following lines. */
export function blockItem(value: NewValue, dashCol: number): string {
  const pad = ' '.repeat(dashCol);
  if (typeof value === 'string' || isEmpty(value) || isSeq(value)) return `${pad}- ${flowText(value)}\n`;
  const body = blockMap(value, dashCol + 2);
  return `${pad}- ${body.slice(dashCol + 2)}`;
}
