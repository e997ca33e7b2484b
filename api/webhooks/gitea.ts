/**
 * Gitea: GitHub-shaped payloads, signed with `X-Gitea-Signature` (bare hex
 * HMAC-SHA256), delivery id `X-Gitea-Delivery`, event `X-Gitea-Event`.
 * Gitea's "Test delivery" (settings → webhooks, or `POST …/hooks/{id}/tests`)
 * is a push whose `before` equals `after`, which no real push has: it is
 * acknowledged without a run, like GitHub's ping.
 */
import type { Forge } from './forge.ts';
import { ignored } from './forge.ts';
import { normaliseGitHubShape } from './github.ts';
import { str } from './payload.ts';
import { verifyBareHmac } from './signature.ts';

export const gitea: Forge = {
  kind: 'gitea',
  jsonBody: true,
  verify: (secret, body, h) => verifyBareHmac(secret, body, h.get('x-gitea-signature') ?? undefined),
  deliveryId: (h) => h.get('x-gitea-delivery') ?? undefined,
  eventName: (h) => h.get('x-gitea-event') ?? undefined,
  normalise: (event, payload) => {
    const before = str(payload, 'before');
    if (event === 'push' && before !== undefined && before === str(payload, 'after')) {
      return ignored('push', 'a test delivery (before == after): the webhook is set up');
    }
    return normaliseGitHubShape(event, payload);
  },
};
