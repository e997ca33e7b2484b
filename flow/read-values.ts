/** Readers for the flow's typed scalar values (durations, resources, names), on top of YamlReader. */
import { parseDuration } from './duration.ts';
import { InvalidDurationError, InvalidQuantityError } from './errors.ts';
import type { Millis } from './model.ts';
import { parseCpu, parseMemory, type ResourceName } from './resources.ts';
import type { Field, YamlReader } from './yaml-reader.ts';

/** A duration in ms (`90s`, `1h30m`, integer seconds; 0 = no limit). */
export function readDuration(r: YamlReader, field: Field): Millis | undefined {
  const value = r.scalar(field);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    r.report(field, 'must be a duration such as 90s, 10m, 2h, 7d, or a whole number of seconds');
    return undefined;
  }
  try {
    return parseDuration(value);
  } catch (error) {
    if (!(error instanceof InvalidDurationError)) throw error;
    r.report(field, error.message);
    return undefined;
  }
}

/** A CPU quantity in millicores, or a memory quantity in bytes. */
export function readQuantity(r: YamlReader, field: Field, resource: ResourceName): number | undefined {
  const value = r.scalar(field);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    r.report(field, `must be a ${resource} quantity such as ${resource === 'cpu' ? '"1", 0.5 or "500m"' : '4Gi, 512Mi or 4G'}`);
    return undefined;
  }
  try {
    return resource === 'cpu' ? parseCpu(value) : parseMemory(value);
  } catch (error) {
    if (!(error instanceof InvalidQuantityError)) throw error;
    r.report(field, error.message);
    return undefined;
  }
}

// Names end up in job paths (`stage.action.job`) and data-link keys
// (`path[OUTPUT]`), so dots, brackets and spaces would make them ambiguous.
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** A stage, action or job name: letters, digits, `-` and `_`. */
export function readName(r: YamlReader, field: Field): string | undefined {
  const value = r.text(field);
  if (value === undefined) return undefined;
  if (NAME.test(value)) return value;
  r.report(field, `"${value}" is not a valid name; use letters, digits, "-" and "_" (no dots, brackets or spaces)`);
  return undefined;
}

/** A string or boolean condition (`if:`), as text; its expression is checked by check-expressions.ts. */
export function readCondition(r: YamlReader, field: Field): string | undefined {
  const value = r.scalar(field);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (value !== undefined) r.report(field, 'must be an expression string or true/false');
  return undefined;
}
