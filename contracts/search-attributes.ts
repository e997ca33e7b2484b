/**
 * The Temporal search attributes of a run: what the API filters runs by.
 * Registered on the namespace at start-up (`worker/search-attributes.ts`),
 * set when a run starts, and `CoflowStatus` upserted by the run workflow
 * when it ends. Pure data: imported by workflow code and by the API.
 */

/** A search attribute key (structurally Temporal's `SearchAttributeKey`). */
export interface RunSearchAttributeKey<T extends 'KEYWORD' | 'INT'> {
  readonly name: string;
  readonly type: T;
}

export const RUN_SEARCH_ATTRIBUTES = {
  /** Flow uri. */
  flow: { name: 'CoflowFlow', type: 'KEYWORD' },
  /** Run number within the flow. */
  number: { name: 'CoflowRunNumber', type: 'INT' },
  /** `running` while open; the final state (succeeded, failed, cancelled) once ended. */
  status: { name: 'CoflowStatus', type: 'KEYWORD' },
  /** The trigger kind (`TRIGGER_KINDS` in triggers.ts): manual, a webhook forge, schedule, rerun. */
  trigger: { name: 'CoflowTrigger', type: 'KEYWORD' },
  /** Branch of the event that started the run (push, pull request target). */
  branch: { name: 'CoflowBranch', type: 'KEYWORD' },
  /** Who started it. */
  actor: { name: 'CoflowActor', type: 'KEYWORD' },
  /** `<forge>:<delivery id>` of the webhook delivery. */
  delivery: { name: 'CoflowDelivery', type: 'KEYWORD' },
} as const satisfies Record<string, RunSearchAttributeKey<'KEYWORD' | 'INT'>>;

type Pair = { readonly key: RunSearchAttributeKey<'KEYWORD'>; readonly value: string } | { readonly key: RunSearchAttributeKey<'INT'>; readonly value: number };

/** The search attributes a run starts with (its status is `running`). */
export function startingSearchAttributes(run: {
  readonly flowUri: string;
  readonly number: number;
  readonly trigger?: { readonly kind: string; readonly branch?: string; readonly actor?: string; readonly deliveryId?: string };
}): Pair[] {
  const A = RUN_SEARCH_ATTRIBUTES;
  const t = run.trigger;
  const pairs: Pair[] = [
    { key: A.flow, value: run.flowUri },
    { key: A.number, value: run.number },
    { key: A.status, value: 'running' },
    { key: A.trigger, value: t?.kind ?? 'manual' },
  ];
  if (t?.branch) pairs.push({ key: A.branch, value: t.branch });
  if (t?.actor) pairs.push({ key: A.actor, value: t.actor });
  if (t?.deliveryId) pairs.push({ key: A.delivery, value: `${t.kind}:${t.deliveryId}` });
  return pairs;
}
