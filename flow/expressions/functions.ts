/** The functions an expression may call: their names, arity and what they do. */
import { ExpressionEvalError } from '../errors.ts';
import { compare, toText, type ExprValue } from './values.ts';

/** How the run stands, for the status functions `success()`, `failure()`, `cancelled()`, `always()`. */
export interface ExprStatus {
  readonly failed: boolean;
  readonly cancelled: boolean;
}

/** Each function by the name the docs give it, with its arity [min, max]. Calls ignore case, as in GitHub Actions. */
const FUNCTIONS = {
  contains: [2, 2],
  startsWith: [2, 2],
  endsWith: [2, 2],
  format: [1, 64],
  join: [1, 2],
  toJSON: [1, 1],
  fromJSON: [1, 1],
  success: [0, 0],
  failure: [0, 0],
  cancelled: [0, 0],
  always: [0, 0],
} as const satisfies Record<string, readonly [number, number]>;

/** A function's name as the parser stores it: lower case. */
export type FunctionName = Lowercase<keyof typeof FUNCTIONS>;

/** A known function, found by {@link lookupFunction}. */
export interface FunctionInfo {
  readonly name: FunctionName;
  /** The name as the docs write it, for messages. */
  readonly displayName: string;
  readonly arity: readonly [min: number, max: number];
}

// A Map, not an object lookup: `constructor()` must not find Object.prototype.constructor.
const BY_NAME: ReadonlyMap<string, FunctionInfo> = new Map(
  Object.entries(FUNCTIONS).map(([displayName, arity]) => {
    const name = displayName.toLowerCase() as FunctionName;
    return [name, { name, displayName, arity }];
  }),
);

/** The function called `name` (any case), or undefined. */
export function lookupFunction(name: string): FunctionInfo | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The known functions, for error messages. */
export function functionNames(): string {
  return Object.keys(FUNCTIONS).join(', ');
}

function fromJson(text: ExprValue): ExprValue {
  if (typeof text !== 'string') throw new ExpressionEvalError('fromJSON() needs a string');
  try {
    return JSON.parse(text) as ExprValue;
  } catch {
    throw new ExpressionEvalError(`fromJSON(): not JSON: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`);
  }
}

function format(pattern: ExprValue, args: readonly ExprValue[]): string {
  return toText(pattern).replace(/\{\{|\}\}|\{(\d+)\}/g, (m, index: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const arg = args[Number(index)];
    if (arg === undefined) throw new ExpressionEvalError(`format(): no argument for {${index ?? ''}}`);
    return toText(arg);
  });
}

/** Calls a function on evaluated arguments (the parser has checked the arity). */
export function callFunction(name: FunctionName, args: readonly ExprValue[], status: ExprStatus): ExprValue {
  const [a = null, b = null] = args;
  switch (name) {
    case 'contains':
      if (Array.isArray(a)) return (a as readonly ExprValue[]).some((item) => compare(item, b) === 0);
      return toText(a).toUpperCase().includes(toText(b).toUpperCase());
    case 'startswith':
      return toText(a).toUpperCase().startsWith(toText(b).toUpperCase());
    case 'endswith':
      return toText(a).toUpperCase().endsWith(toText(b).toUpperCase());
    case 'format':
      return format(a, args.slice(1));
    case 'join':
      return Array.isArray(a) ? (a as readonly ExprValue[]).map(toText).join(args.length > 1 ? toText(b) : ',') : toText(a);
    case 'tojson':
      return JSON.stringify(a, null, 2);
    case 'fromjson':
      return fromJson(a);
    case 'success':
      return !status.failed && !status.cancelled;
    case 'failure':
      return status.failed;
    case 'cancelled':
      return status.cancelled;
    case 'always':
      return true;
    default:
      throw new ExpressionEvalError(`unknown function ${String(name)}()`);
  }
}
