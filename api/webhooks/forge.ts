/**
 * What differs between the Git forges: how a delivery is signed, where its id
 * and event name are, and how its payload becomes the normalised `trigger`.
 * One implementation per forge, chosen by the hook's path.
 */
import type { HookKind } from '../../flow/model.ts';
import type { TriggerContext } from '../../contracts/triggers.ts';
import type { Json } from './payload.ts';

/** The event as coflow sees it, or why it is acknowledged without a run. */
export type NormalisedEvent =
  | { readonly ok: true; readonly trigger: Omit<TriggerContext, 'kind' | 'deliveryId' | 'payload'> }
  | { readonly ok: false; readonly event: string; readonly reason: string };

export interface Forge {
  /** The trigger kind in flows (`github:`, `gitlab:`, `gitea:`, `webhook:`). */
  readonly kind: HookKind;
  /** True when the body is signed correctly with `secret`. */
  verify(secret: string, body: Uint8Array, headers: Headers): boolean;
  /** The delivery's id: the same for a redelivery of it. */
  deliveryId(headers: Headers): string | undefined;
  /** The forge's event name; undefined when the request does not say. */
  eventName(headers: Headers): string | undefined;
  /** Turns a verified payload into the normalised event. Never throws on odd input. */
  normalise(event: string, payload: Json): NormalisedEvent;
  /** False for the generic webhook: its body may be anything. */
  readonly jsonBody: boolean;
}

export const ignored = (event: string, reason: string): NormalisedEvent => ({ ok: false, event, reason });
