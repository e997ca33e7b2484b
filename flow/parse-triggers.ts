/**
 * Flow-level settings that decide when a flow runs: `triggers` and
 * `concurrency` (who hears about it: parse-receivers.ts).
 */
import { isSeq } from 'yaml';
import { cronProblem } from './cron.ts';
import { isReportForge, readReport } from './parse-report.ts';
import type { Field, YamlReader } from './yaml-reader.ts';
import { FLOW_TRIGGER_KINDS, ON_LIMIT, type ConcurrencySpec, type HookKind, type TriggerSpec } from './model.ts';

const HOOK_TRIGGER_FIELDS = ['events', 'branches', 'tags', 'paths', 'secret', 'report', 'skipCi', 'forkSecrets'];

/** `triggers`: a list of single-key maps (`- github: {…}`) or one map of kinds. */
export function readTriggers(r: YamlReader, field: Field): TriggerSpec[] {
  const items = isSeq(field.node) ? r.seq(field) : [field];
  const triggers: TriggerSpec[] = [];
  for (const item of items ?? []) {
    const map = r.map(item, FLOW_TRIGGER_KINDS);
    if (map === undefined) continue;
    for (const entry of map.entries) {
      if (!(FLOW_TRIGGER_KINDS as readonly string[]).includes(entry.key)) continue;
      const trigger = entry.key === 'schedule' ? readSchedule(r, entry.field) : readHookTrigger(r, entry.field, entry.key as HookKind);
      if (trigger !== undefined) triggers.push(trigger);
    }
  }
  return triggers;
}

const NEEDS_SECRET = (kind: string): string => `a ${kind} trigger needs a "secret" (the name of the secret that signs its deliveries)`;

/** A webhook trigger; deliveries must be signed, so a secret is required. */
function readHookTrigger(r: YamlReader, field: Field, kind: HookKind): TriggerSpec | undefined {
  if (field.node === null) {
    r.report(field, NEEDS_SECRET(kind));
    return undefined;
  }
  const map = r.map(field, HOOK_TRIGGER_FIELDS);
  if (map === undefined) return undefined;
  const list = (key: string): string[] => {
    const f = map.get(key);
    return (f === undefined ? undefined : r.stringList(f)) ?? [];
  };
  const secretField = map.get('secret');
  const secret = secretField === undefined ? undefined : r.string(secretField);
  if (secretField === undefined) r.report(map.missing('secret'), NEEDS_SECRET(kind));
  const reportField = map.get('report');
  const report = reportField === undefined ? undefined : readReport(r, reportField, kind);
  const skipCi = forgeFlag(r, map.get('skipCi'), 'skipCi', kind);
  const forkSecrets = forgeFlag(r, map.get('forkSecrets'), 'forkSecrets', kind);
  return {
    kind,
    events: list('events'),
    branches: list('branches'),
    tags: list('tags'),
    paths: list('paths'),
    ...(secret ? { secret } : {}),
    ...(report ? { report } : {}),
    ...(skipCi === undefined ? {} : { skipCi }),
    ...(forkSecrets === undefined ? {} : { forkSecrets }),
  };
}

/** `skipCi:` / `forkSecrets:`: true or false, on forge triggers only (the generic webhook has no commits or forks). */
function forgeFlag(r: YamlReader, field: Field | undefined, name: string, kind: HookKind): boolean | undefined {
  if (field === undefined) return undefined;
  if (!isReportForge(kind)) {
    r.report(field, `${name} is only for github, gitlab and gitea triggers`);
    return undefined;
  }
  return r.boolean(field);
}

function readSchedule(r: YamlReader, field: Field): TriggerSpec | undefined {
  if (field.node === null) {
    r.report(field, 'a schedule trigger needs a cron line');
    return undefined;
  }
  const map = r.map(field, ['cron', 'timezone']);
  if (map === undefined) return undefined;
  const cronField = map.get('cron');
  let cron: string | undefined;
  if (cronField === undefined) r.report(map.missing('cron'), 'a schedule trigger needs a cron line');
  else {
    cron = r.string(cronField);
    const problem = cron === undefined ? undefined : cronProblem(cron);
    if (problem !== undefined) r.report(cronField, `bad cron line: ${problem}`);
  }
  const tzField = map.get('timezone');
  const tz = tzField === undefined ? undefined : r.string(tzField);
  if (tzField !== undefined && tz !== undefined && !isTimeZone(tz)) r.report(tzField, `unknown time zone "${tz}"`);
  return cron === undefined ? undefined : { kind: 'schedule', cron: cron.trim(), timezone: tz ?? 'UTC' };
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
