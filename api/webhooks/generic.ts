/**
 * The generic webhook, for any system that can sign a request:
 * `X-Coflow-Signature: sha256=<hex HMAC-SHA256 of the body>`, optional
 * `X-Coflow-Delivery` (redeliveries repeat it) and `X-Coflow-Event`
 * (default `webhook`). The body may be anything; a JSON object's `ref`,
 * `commit` and `message` fill the trigger's fields.
 */
import type { Forge } from './forge.ts';
import { compact, splitRef, str } from './payload.ts';
import { verifyPrefixedHmac } from './signature.ts';

export const generic: Forge = {
  kind: 'webhook',
  jsonBody: false,
  verify: (secret, body, h) => verifyPrefixedHmac(secret, body, h.get('x-coflow-signature') ?? undefined),
  deliveryId: (h) => h.get('x-coflow-delivery') ?? undefined,
  eventName: (h) => h.get('x-coflow-event') ?? 'webhook',
  normalise(event, payload) {
    const ref = str(payload, 'ref');
    const { branch, tag } = splitRef(ref);
    return {
      ok: true,
      trigger: compact({
        event: event.trim().toLowerCase() || 'webhook',
        ref,
        branch: branch ?? str(payload, 'branch'),
        tag: tag ?? str(payload, 'tag'),
        commit: str(payload, 'commit'),
        message: str(payload, 'message'),
        actor: str(payload, 'actor'),
      }),
    };
  },
};
