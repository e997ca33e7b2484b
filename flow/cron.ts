/**
 * Checks a cron line (five fields: minute hour day-of-month month day-of-week,
 * or a macro such as `@daily`), so a bad schedule is rejected when the flow is
 * applied rather than when the schedule first fires.
 */

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as in most cron implementations.
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

/** Returns why the cron line is invalid, or undefined when it is fine. */
export function cronProblem(line: string): string | undefined {
  const text = line.trim();
  if (text.startsWith('@')) return MACROS.includes(text) ? undefined : `unknown macro "${text}"; use one of ${MACROS.join(', ')}`;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    if (field === undefined) break;
    const problem = fieldProblem(part, field);
    if (problem !== undefined) return `${field.name} "${part}": ${problem}`;
  }
  return undefined;
}

function fieldProblem(part: string, field: CronField): string | undefined {
  for (const item of part.split(',')) {
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined) return 'more than one "/"';
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `bad step "${step}"`;
    if (range === '*') continue;
    const [from = '', to, beyond] = range.split('-');
    if (beyond !== undefined) return `bad range "${range}"`;
    for (const bound of to === undefined ? [from] : [from, to]) {
      const value = valueOf(bound, field);
      if (value === undefined) return `"${bound}" is not a number`;
      if (value < field.min || value > field.max) return `${value} is outside ${field.min}-${field.max}`;
    }
  }
  return undefined;
}

function valueOf(token: string, field: CronField): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const index = field.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index < 0) return undefined;
  return field.min + index;
}
