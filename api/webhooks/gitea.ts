/**
 * Gitea: GitHub-shaped payloads, signed with `X-Gitea-Signature` (bare hex
 * HMAC-SHA256), delivery id `X-Gitea-Delivery`, event `X-Gitea-Event`.
 */
import type { Forge } from './forge.ts';
import { normaliseGitHubShape } from './github.ts';
import { verifyBareHmac } from './signature.ts';

export const gitea: Forge = {
  kind: 'gitea',
  jsonBody: true,
  verify: (secret, body, h) => verifyBareHmac(secret, body, h.get('x-gitea-signature') ?? undefined),
  deliveryId: (h) => h.get('x-gitea-delivery') ?? undefined,
  eventName: (h) => h.get('x-gitea-event') ?? undefined,
  normalise: normaliseGitHubShape,
};
