import type { Millis } from './model.ts';
import { InvalidDurationError } from './errors.ts';
import { choiceList } from './suggest.ts';

/** The units of a duration, smallest first, with their length in milliseconds. */
const UNITS = [
  ['ms', 1],
  ['s', 1_000],
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
] as const;

const UNIT_MS: ReadonlyMap<string, number> = new Map(UNITS);
const UNIT_NAMES = UNITS.map(([name]) => name);
// Longer names first, so `ms` is not read as `m` followed by garbage.
const PART = new RegExp(`(\\d+(?:\\.\\d+)?)(${[...UNIT_NAMES].sort((a, b) => b.length - a.length).join('|')})`, 'y');

/**
 * Reads a duration into milliseconds: `90s`, `10m`, `2h`, `7d`, `500ms`,
 * compounds like `1h30m`, or integer seconds (a number or a numeric string,
 * as ContainerOps wrote `timeout: 0`). `0` means "no limit" and is returned as 0.
 *
 * @throws InvalidDurationError on anything else (negative, empty, unknown unit).
 */
export function parseDuration(input: string | number): Millis {
  if (typeof input === 'number') return secondsToMs(input, input);
  const text = input.trim();
  if (text === '') throw new InvalidDurationError(input, 'empty');
  if (/^\d+$/.test(text)) return secondsToMs(Number(text), input);

  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null) {
      throw new InvalidDurationError(input, `unexpected "${text.slice(at)}"; use a number with a unit ${choiceList(UNIT_NAMES)}, e.g. 90s or 1h30m`);
    }
    const [, amount = '', unit = ''] = match;
    total += Number(amount) * (UNIT_MS.get(unit) ?? 0);
  }
  const ms = Math.round(total);
  if (!Number.isSafeInteger(ms)) throw new InvalidDurationError(input, 'too large');
  return ms;
}

function secondsToMs(seconds: number, input: unknown): Millis {
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new InvalidDurationError(input, 'a bare number must be a whole, non-negative number of seconds');
  }
  const ms = seconds * 1_000;
  if (!Number.isSafeInteger(ms)) throw new InvalidDurationError(input, 'too large');
  return ms;
}

/** Formats milliseconds compactly (`90000` → `1m30s`), for messages and the CLI. */
export function formatDuration(ms: Millis): string {
  if (ms === 0) return '0';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [...UNITS].reverse()) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
