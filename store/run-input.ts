/**
 * Turns "run flow X because of Y" into a run's input: the latest flow version
 * (components pinned to images) and a run number from the store. Shared by
 * the API (manual runs, webhooks) and the worker (schedules).
 */
import { resolveComponents, type Catalog } from '../components/catalog.ts';
import type { TriggerContext } from '../flow/trigger-context.ts';
import type { RunInput } from '../workflows/context.ts';
import type { FlowStore } from './types.ts';

/** A run's id: `<flow uri>#<number>`; it is also its Temporal workflow id. */
export function runIdOf(uri: string, number: number): string {
  return `${uri}#${number}`;
}

export interface RunRequest {
  readonly uri: string;
  readonly trigger: TriggerContext;
  /**
   * Idempotency key of the event (webhook delivery, schedule action): every
   * request with the same key gets the same run number, hence the same workflow id.
   */
  readonly deliveryKey?: string;
}

export interface PreparedRun {
  readonly input: RunInput;
  /** False when the delivery key was seen before: this is a redelivery. */
  readonly fresh: boolean;
}

/** The run's input, or undefined when the flow does not exist. Throws ComponentNotFoundError. */
export function prepareRun(store: FlowStore, catalog: Catalog, request: RunRequest): PreparedRun | undefined {
  const stored = store.getFlow(request.uri);
  if (!stored) return undefined;
  const flow = resolveComponents(stored.spec, catalog);
  const { number, fresh } = request.deliveryKey === undefined
    ? { number: store.nextRunNumber(request.uri), fresh: true }
    : store.claimRunNumber(request.uri, request.deliveryKey);
  const input: RunInput = {
    runId: runIdOf(request.uri, number),
    number,
    flowVersion: stored.version,
    flow,
    trigger: request.trigger,
    ...(request.trigger.actor !== undefined ? { triggeredBy: request.trigger.actor } : {}),
  };
  return { input, fresh };
}
