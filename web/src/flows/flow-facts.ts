/**
 * What the flow page says about a stored flow besides its graph: webhook
 * URLs, schedules, notification receivers with secrets kept out of sight,
 * and the declared run inputs. Pure (reads the API's `spec`).
 */
import type { FlowInputSpec, HookKind, HookTrigger, ReceiverSpec, TriggerSpec } from '../../../flow/model.ts';

/** The hook path's segment of a trigger kind (`webhook` triggers are the `generic` hook; api/routes/hooks.ts). */
const HOOK_SEGMENT: Readonly<Record<HookKind, string>> = { github: 'github', gitlab: 'gitlab', gitea: 'gitea', webhook: 'generic' };

export interface WebhookFact {
  readonly kind: HookKind;
  readonly url: string;
  /** The secret whose value signs deliveries, by name (`COFLOW_SECRET_<NAME>` or the store). */
  readonly secret?: string;
  /** The filters, as one line each (`events: push, tag`); empty when it takes every delivery. */
  readonly filters: readonly string[];
  /** `report:`, `skipCi:`, `forkSecrets:` in words (docs/forges.md); empty when the trigger sets none. */
  readonly reporting: readonly string[];
}

export interface ScheduleFact {
  readonly cron: string;
  readonly timezone: string;
}

/** The webhook triggers with the URL to configure at the forge. */
export function webhooksOf(uri: string, triggers: readonly TriggerSpec[] | undefined, origin: string): WebhookFact[] {
  const out: WebhookFact[] = [];
  for (const t of triggers ?? []) {
    if (t.kind === 'schedule') continue;
    const filters = (['events', 'branches', 'tags', 'paths'] as const)
      .filter((k) => (t[k]?.length ?? 0) > 0)
      .map((k) => `${k}: ${t[k].join(', ')}`);
    out.push({ kind: t.kind, url: `${origin}/hooks/${HOOK_SEGMENT[t.kind]}/${uri}`, ...(t.secret ? { secret: t.secret } : {}), filters, reporting: reportingOf(uri, t) });
  }
  return out;
}

/** What a forge trigger's `report:`, `skipCi:` and `forkSecrets:` do, one line each. */
function reportingOf(uri: string, t: HookTrigger): string[] {
  const out: string[] = [];
  const r = t.report;
  if (r !== undefined) {
    const who = r.app ? `GitHub App ${r.app.id} (key from secret ${r.app.privateKeySecret})` : `token from secret ${r.tokenSecret ?? '?'}`;
    out.push(`commit statuses as ${r.context ?? `coflow/${uri}`}${r.perStage ? ' and per stage' : ''}${r.apiUrl ? ` via ${r.apiUrl}` : ''}; ${who}`);
  }
  if (t.skipCi === false) out.push('runs even on [skip ci]');
  if (t.forkSecrets === true) out.push('pull requests from forks get secrets');
  return out;
}

export function schedulesOf(triggers: readonly TriggerSpec[] | undefined): ScheduleFact[] {
  return (triggers ?? []).flatMap((t) => (t.kind === 'schedule' ? [{ cron: t.cron, timezone: t.timezone }] : []));
}

const SECRET_EXPR = /\$\{\{\s*secrets\.[^}]*\}\}/;

/**
 * A receiver's address as the page shows it: one that holds a secret
 * expression is masked whole (the expression's neighbours may be a token
 * too, e.g. a Slack URL built around it); a plain one is shown.
 */
export function maskedAddress(r: Pick<ReceiverSpec, 'address'>): { text: string; masked: boolean } {
  if (!SECRET_EXPR.test(r.address)) return { text: r.address, masked: false };
  const names = [...r.address.matchAll(/\$\{\{\s*secrets\.([A-Za-z0-9_-]+)\s*\}\}/g)].map((m) => m[1]);
  return { text: `•••• (from secret ${names.join(', ') || '?'})`, masked: true };
}

export interface InputField {
  readonly name: string;
  readonly description?: string;
  readonly required: boolean;
  readonly options?: readonly string[];
  /** The value the form starts with: the default, or '' (a choice then asks to pick one). */
  readonly initial: string;
}

/** One form field per declared input, in declaration order. */
export function inputFields(inputs: Readonly<Record<string, FlowInputSpec>> | undefined): InputField[] {
  return Object.entries(inputs ?? {}).map(([name, spec]) => ({
    name,
    ...(spec.description ? { description: spec.description } : {}),
    required: spec.required,
    ...(spec.options ? { options: spec.options } : {}),
    initial: spec.default ?? '',
  }));
}

/**
 * The start body's `inputs`: the fields the person filled. An empty field is
 * left out: the flow's default applies, and a required one is reported
 * missing by the API (which takes "" as a value).
 */
export function inputValues(fields: readonly InputField[], values: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.name] ?? f.initial;
    if (v !== '') out[f.name] = v;
  }
  return out;
}

/** The 422's `details.problems` by input name (`invalid_inputs`), so each shows next to its field. */
export function problemsByInput(details: unknown): Record<string, string> {
  const problems = (details as { problems?: unknown } | undefined)?.problems;
  const out: Record<string, string> = {};
  if (!Array.isArray(problems)) return out;
  for (const p of problems as { input?: unknown; message?: unknown }[]) {
    if (typeof p.input === 'string' && typeof p.message === 'string') out[p.input] = out[p.input] ? `${out[p.input]}; ${p.message}` : p.message;
  }
  return out;
}
