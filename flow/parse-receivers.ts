/**
 * `receivers:` — who hears about a run (ContainerOps: `{ type: mail, address }`).
 * Each receiver has a type, an address that may read `${{ secrets.NAME }}`
 * (and nothing else: only the sending activity resolves it), the events it is
 * told about, and for `webhook` the name of the secret that signs deliveries.
 */
import { isSeq } from 'yaml';
import { parseTemplate, references } from './expressions/index.ts';
import { DEFAULT_RECEIVER_EVENTS, RECEIVER_EVENTS, RECEIVER_TYPES, type ReceiverEvent, type ReceiverSpec, type ReceiverType } from './model.ts';
import type { Field, MapFields, YamlReader } from './yaml-reader.ts';

const MAIL = /^[^\s@,<>]+@[^\s@,<>]+$/;

/** Reads the receivers; a bad one is reported at its line:column and left out. */
export function readReceivers(r: YamlReader, field: Field): ReceiverSpec[] {
  const receivers: ReceiverSpec[] = [];
  for (const item of r.seq(field) ?? []) {
    const map = r.map(item, ['type', 'address', 'on', 'secret']);
    if (map === undefined) continue;
    const typeField = map.get('type');
    if (typeField === undefined) r.report(map.missing('type'), `a receiver needs "type": ${RECEIVER_TYPES.join(', ')}`);
    const type = typeField === undefined ? undefined : r.oneOf(typeField, RECEIVER_TYPES);
    const addressField = map.get('address');
    if (addressField === undefined) r.report(map.missing('address'), 'a receiver needs "address"');
    const address = addressField === undefined ? undefined : r.string(addressField);
    const on = readEvents(r, map.get('on'));
    const secret = readSecret(r, map, type);
    if (type === undefined || address === undefined || addressField === undefined || on === undefined) continue;
    if (!checkAddress(r, addressField, type, address)) continue;
    receivers.push({ type, address, on, ...(secret === undefined ? {} : { secret }) });
  }
  return receivers;
}

function readEvents(r: YamlReader, field: Field | undefined): ReceiverEvent[] | undefined {
  if (field === undefined) return [...DEFAULT_RECEIVER_EVENTS];
  const items = isSeq(field.node) ? (r.seq(field) ?? []) : [field];
  const events: ReceiverEvent[] = [];
  let bad = false;
  for (const item of items) {
    const name = r.string(item);
    const event = RECEIVER_EVENTS.find((e) => e === name);
    if (event === undefined) {
      bad = true;
      if (name !== undefined) r.report(item, `unknown event "${name}"; use ${RECEIVER_EVENTS.join(', ')}`);
    } else if (!events.includes(event)) events.push(event);
  }
  if (events.length === 0 && !bad) r.report(field, `name at least one event: ${RECEIVER_EVENTS.join(', ')}`);
  return bad || events.length === 0 ? undefined : events;
}

/** `secret`: required by a `webhook` receiver (its deliveries are signed), refused on the others. */
function readSecret(r: YamlReader, map: MapFields, type: ReceiverType | undefined): string | undefined {
  const field = map.get('secret');
  if (type === 'webhook' && field === undefined) {
    r.report(map.missing('secret'), 'a webhook receiver needs a "secret" (the name of the secret that signs its deliveries)');
    return undefined;
  }
  if (field === undefined) return undefined;
  const name = r.string(field);
  if (type !== undefined && type !== 'webhook') {
    r.report(field, `only a webhook receiver takes a "secret" (a ${type} receiver is not signed)`);
    return undefined;
  }
  return name;
}

/** Reports an address that reads anything but secrets, or that is no URL / mail address once it has none. */
function checkAddress(r: YamlReader, field: Field, type: ReceiverType, address: string): boolean {
  let parts;
  try {
    parts = parseTemplate(address);
  } catch (err) {
    r.report(field, (err as Error).message);
    return false;
  }
  for (const part of parts) {
    if (part.kind !== 'expr') continue;
    const bad = references(part.expr).find((ref) => ref.segments[0] !== 'secrets' || ref.segments.length !== 2);
    if (bad !== undefined || references(part.expr).length === 0) {
      r.report(field, `a receiver's address may only read secrets (\${{ secrets.NAME }}), got ${part.source}`);
      return false;
    }
  }
  if (parts.some((p) => p.kind === 'expr')) return true;
  const problem = type === 'mail' ? mailProblem(address) : urlProblem(address);
  if (problem !== undefined) r.report(field, problem);
  return problem === undefined;
}

function mailProblem(address: string): string | undefined {
  return MAIL.test(address.trim()) ? undefined : `"${address}" is not a mail address`;
}

function urlProblem(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return `"${address}" is not a URL`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : `"${address}" is not an http:// or https:// URL`;
}

/** Checks a resolved address (the sending activity, once secrets are filled in): the problem, or undefined. */
export function addressProblem(type: ReceiverType, address: string): string | undefined {
  return type === 'mail' ? mailProblem(address) : urlProblem(address);
}
