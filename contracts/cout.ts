/**
 * The `[COUT] KEY = VALUE` output contract of components (SPEC §1): parsing
 * one log line, and collecting a job's outputs under the size limits. A
 * `[COUT] ::mask:: VALUE` line is no output: it asks that VALUE be masked in
 * the rest of the job's log and outputs (activities/job-masking.ts).
 */

/** Largest accepted output value, in UTF-8 bytes. */
export const OUTPUT_VALUE_LIMIT = 64 * 1024;
/** Largest accepted sum of a job's output keys and values, in UTF-8 bytes. */
export const OUTPUT_TOTAL_LIMIT = 256 * 1024;

/** A parsed `[COUT]` line: an output, a value to mask, or a `[COUT]` line that does not parse. */
export type CoutLine =
  | { readonly kind: 'output'; readonly key: string; readonly value: string }
  | { readonly kind: 'mask'; readonly value: string }
  | { readonly kind: 'malformed'; readonly reason: string };

const PREFIX = '[COUT]';
/** `[COUT] ::mask:: VALUE`: VALUE (trimmed) is masked in every later line and output of the job. */
export const MASK_COMMAND = '::mask::';
/** How a `::mask::` line is stored: never with its value. */
export const MASKED_MASK_LINE = `${PREFIX} ${MASK_COMMAND} ***`;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parse one log line. Returns null when the line is not a `[COUT]` line at
 * all; a malformed `[COUT]` line is reported, never thrown, so a component's
 * typo cannot crash a run.
 */
export function parseCoutLine(text: string): CoutLine | null {
  const start = text.trimStart();
  if (!start.startsWith(PREFIX)) return null;
  const rest = start.slice(PREFIX.length);
  const command = rest.trimStart();
  if (command.startsWith(MASK_COMMAND)) {
    const value = command.slice(MASK_COMMAND.length).trim();
    return value === '' ? { kind: 'malformed', reason: `${MASK_COMMAND} without a value` } : { kind: 'mask', value };
  }
  const eq = rest.indexOf('=');
  if (eq < 0) return { kind: 'malformed', reason: 'missing "=" between key and value' };
  const key = rest.slice(0, eq).trim();
  if (key === '') return { kind: 'malformed', reason: 'empty key' };
  if (!KEY.test(key)) {
    return { kind: 'malformed', reason: `invalid key ${JSON.stringify(key)} (must match [A-Za-z_][A-Za-z0-9_.-]*)` };
  }
  // Everything after the first '=' is the value, so values may contain '='.
  return { kind: 'output', key, value: rest.slice(eq + 1).trim() };
}

/** The values the `[COUT] ::mask:: VALUE` lines of a whole text (a service's response body) ask to mask. */
export function maskRequests(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => {
    const parsed = parseCoutLine(line);
    return parsed?.kind === 'mask' ? [parsed.value] : [];
  });
}

const CO_RESULT = 'CO_RESULT';

const utf8 = new TextEncoder();

function byteLength(s: string): number {
  return utf8.encode(s).length;
}

/**
 * Accumulates one job attempt's outputs from its log lines. A later value for
 * the same key replaces the earlier one. Once a limit is exceeded the first
 * error is kept in `limitError` and further outputs are ignored; the caller
 * fails the attempt with that message.
 */
export class OutputCollector {
  /** Outputs seen so far, by key. */
  readonly outputs: Record<string, string> = {};
  /** One message per malformed `[COUT]` line (and per unusable CO_RESULT). */
  readonly warnings: string[] = [];
  /** Set when an output exceeded a limit; the attempt must fail with it. */
  limitError?: string;
  #totalBytes = 0;

  /** Feed one log line (any line; non-`[COUT]` lines are ignored). */
  addLine(text: string): void {
    const parsed = parseCoutLine(text);
    if (parsed === null || parsed.kind === 'mask') return;
    if (parsed.kind === 'malformed') {
      this.warnings.push(`ignored malformed [COUT] line (${parsed.reason}): ${truncate(text.trim(), 200)}`);
      return;
    }
    this.add(parsed.key, parsed.value);
  }

  /** Record one output, enforcing the per-value and per-job limits. */
  add(key: string, value: string): void {
    if (this.limitError !== undefined) return;
    const valueBytes = byteLength(value);
    if (valueBytes > OUTPUT_VALUE_LIMIT) {
      this.limitError =
        `output ${key} is ${valueBytes} bytes, over the ${OUTPUT_VALUE_LIMIT}-byte (64 KiB) limit per value; ` +
        'pass larger results through the workspace or an artifact store';
      return;
    }
    const previous = this.outputs[key];
    const before = previous === undefined ? 0 : byteLength(key) + byteLength(previous);
    const total = this.#totalBytes - before + byteLength(key) + valueBytes;
    if (total > OUTPUT_TOTAL_LIMIT) {
      this.limitError =
        `outputs total ${total} bytes after ${key}, over the ${OUTPUT_TOTAL_LIMIT}-byte (256 KiB) limit per job; ` +
        'pass larger results through the workspace or an artifact store';
      return;
    }
    this.#totalBytes = total;
    this.outputs[key] = value;
    if (key === CO_RESULT && this.coResult() === undefined) {
      this.warnings.push(`CO_RESULT is ${JSON.stringify(truncate(value, 50))}, expected true or false; ignored`);
    }
  }

  /** The component's verdict: CO_RESULT as `'true'`/`'false'` (case-insensitive), else undefined. */
  coResult(): 'true' | 'false' | undefined {
    const v = this.outputs[CO_RESULT]?.toLowerCase();
    return v === 'true' || v === 'false' ? v : undefined;
  }
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
