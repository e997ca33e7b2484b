/**
 * Flow-level settings that decide when a flow runs and who hears about it:
 * `triggers`, `concurrency`, `receivers`. Their shape is checked here; the
 * normalised model does not carry them yet.
 */
import { isSeq } from 'yaml';
import { cronProblem } from './cron.ts';
import type { Field, YamlReader } from './yaml-reader.ts';
import type { ConcurrencySpec } from './model.ts';

const TRIGGER_KINDS = ['github', 'gitlab', 'webhook', 'schedule'] as const;
const GIT_TRIGGER_FIELDS = ['events', 'branches', 'tags', 'paths', 'secret'];
const ON_LIMIT = ['queue', 'cancel-previous', 'reject'] as const;
const RECEIVER_EVENTS = ['start', 'success', 'failure', 'cancel', 'approval', 'finish'];

/** `triggers`: a list of single-key maps (`- github: {…}`) or one map of kinds. */
export function checkTriggers(r: YamlReader, field: Field): void {
  const items = isSeq(field.node) ? r.seq(field) : [field];
  for (const item of items ?? []) {
    const map = r.map(item, TRIGGER_KINDS);
    if (map === undefined) continue;
    for (const entry of map.entries) {
      if (!(TRIGGER_KINDS as readonly string[]).includes(entry.key)) continue;
      if (entry.field.node === null) continue;
      if (entry.key === 'schedule') checkSchedule(r, entry.field);
      else checkGitTrigger(r, entry.field, entry.key === 'webhook' ? ['secret'] : GIT_TRIGGER_FIELDS);
    }
  }
}

function checkGitTrigger(r: YamlReader, field: Field, allowed: readonly string[]): void {
  const map = r.map(field, allowed);
  if (map === undefined) return;
  for (const key of ['events', 'branches', 'tags', 'paths']) {
    const list = map.get(key);
    if (list !== undefined) r.stringList(list);
  }
  const secret = map.get('secret');
  if (secret !== undefined) r.string(secret);
}

function checkSchedule(r: YamlReader, field: Field): void {
  const map = r.map(field, ['cron', 'timezone']);
  if (map === undefined) return;
  const cronField = map.get('cron');
  if (cronField === undefined) r.report(map.missing('cron'), 'a schedule trigger needs a cron line');
  else {
    const line = r.string(cronField);
    const problem = line === undefined ? undefined : cronProblem(line);
    if (problem !== undefined) r.report(cronField, `bad cron line: ${problem}`);
  }
  const tzField = map.get('timezone');
  const tz = tzField === undefined ? undefined : r.string(tzField);
  if (tzField !== undefined && tz !== undefined && !isTimeZone(tz)) r.report(tzField, `unknown time zone "${tz}"`);
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `concurrency: { max, onLimit }`; `max` defaults to 1, `onLimit` to `queue`. */
export function readConcurrency(r: YamlReader, field: Field): ConcurrencySpec | undefined {
  const map = r.map(field, ['max', 'onLimit']);
  if (map === undefined) return undefined;
  const maxField = map.get('max');
  const max = (maxField === undefined ? undefined : r.integer(maxField, 1)) ?? 1;
  const onLimitField = map.get('onLimit');
  const onLimit = (onLimitField === undefined ? undefined : r.oneOf(onLimitField, ON_LIMIT)) ?? 'queue';
  return { max, onLimit };
}

/** `receivers`: a list of `{ type, address, on }` (ContainerOps: `{ type: mail, address }`). */
export function checkReceivers(r: YamlReader, field: Field): void {
  for (const item of r.seq(field) ?? []) {
    const map = r.map(item, ['type', 'address', 'on']);
    if (map === undefined) continue;
    for (const key of ['type', 'address']) {
      const value = map.get(key);
      if (value === undefined) r.report(map.missing(key), `a receiver needs "${key}"`);
      else r.string(value);
    }
    const on = map.get('on');
    const events = on === undefined ? [] : isSeq(on.node) ? (r.seq(on) ?? []) : [on];
    for (const event of events) {
      const name = r.string(event);
      if (name !== undefined && !RECEIVER_EVENTS.includes(name)) {
        r.report(event, `unknown event "${name}"; use ${RECEIVER_EVENTS.join(', ')}`);
      }
    }
  }
}
