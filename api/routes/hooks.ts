/**
 * Git webhooks: `/hooks/{github|gitlab|gitea|generic}/<flow uri>`.
 *
 * The raw body is verified against the secret of each of the flow's triggers
 * of that forge before anything else reads it. Answers: 201 a run started;
 * 200 a redelivery (the run it started already, nothing new); 202 acknowledged
 * without a run (filtered out, ping, an event coflow does not run on, `[skip ci]`)
 * with the reason; 401 bad signature (nothing started); 404 unknown flow or no trigger
 * for this forge. The run number of a delivery is claimed once in the store
 * and the workflow id derives from it, so redeliveries start nothing new
 * (see api/start-run.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { JSONValue } from 'hono/utils/types';
import type { HookTrigger } from '../../flow/model.ts';
import type { StoredFlow } from '../../store/store.ts';
import { choiceList } from '../../flow/suggest.ts';
import type { TriggerContext } from '../../contracts/triggers.ts';
import { ComponentNotFoundError, ComponentUseError } from '../../components/errors.ts';
import { FlowNotFoundError } from '../../runs/errors.ts';
import type { ApiDeps, RouteModule } from '../context.ts';
import { ApiError, DeliveryRefusedError } from '../errors.ts';
import { FlowParams, HookResult, errorResponses } from '../schemas.ts';
import { eventReportRequest } from '../../runs/report-target.ts';
import { startRun } from '../../runs/start.ts';
import type { DeliveryResult } from '../webhooks/delivery-results.ts';
import { filterOut } from '../webhooks/filters.ts';
import { secretsWithheldFor, skippedBecause } from '../webhooks/hygiene.ts';
import type { Forge } from '../webhooks/forge.ts';
import { generic } from '../webhooks/generic.ts';
import { gitea } from '../webhooks/gitea.ts';
import { github } from '../webhooks/github.ts';
import { gitlab } from '../webhooks/gitlab.ts';
import { hmacSha256Hex } from '../webhooks/signature.ts';

/** Forges by the hook path's first segment. */
const FORGES: Readonly<Record<string, Forge>> = { github, gitlab, gitea, generic };
/** The path segments, for messages: `github, gitlab, gitea or generic`. */
const FORGE_NAMES = choiceList(Object.keys(FORGES));

/** Payloads larger than this are not copied into the run's input (`trigger.payload`). */
const MAX_PAYLOAD_IN_CONTEXT = 64 * 1024;
const MAX_DELIVERY_ID = 200;

/** The flow and its triggers of this forge whose secret signs the body; refused when none does. */
async function verifiedTriggers(deps: ApiDeps, forge: Forge, uri: string, body: Uint8Array, headers: Headers): Promise<{ stored: StoredFlow; verified: HookTrigger[] }> {
  const stored = await deps.store.getFlow(uri);
  if (!stored) throw new DeliveryRefusedError('unknown_flow', new ApiError('not_found', `flow ${uri} not found`));
  const triggers = (stored.spec.triggers ?? []).filter((t): t is HookTrigger => t.kind === forge.kind);
  if (triggers.length === 0) throw new DeliveryRefusedError('no_trigger', new ApiError('no_trigger', `flow ${uri} has no ${forge.kind} trigger`));
  const secrets = await Promise.all(triggers.map((t) => (t.secret === undefined ? Promise.resolve(undefined) : deps.resolveSecret(t.secret))));
  const verified = triggers.filter((_, i) => {
    const secret = secrets[i];
    return secret !== undefined && secret !== '' && forge.verify(secret, body, headers);
  });
  if (verified.length > 0) return { stored, verified };
  const unresolved = triggers.filter((_, i) => !secrets[i]).map((t) => t.secret ?? '(none)');
  if (unresolved.length === triggers.length) {
    console.error(`coflow api: webhook for ${uri}: secret ${unresolved.join(', ')} is not configured; every ${forge.kind} delivery is refused`);
  }
  throw new DeliveryRefusedError('bad_signature', new ApiError('bad_signature', `the ${forge.kind} signature does not match the secret of any ${forge.kind} trigger of ${uri}`));
}

/** The verified body as JSON (GitHub may send it form-encoded in `payload`); undefined for an empty or non-JSON generic body. */
function readPayload(forge: Forge, body: Uint8Array, contentType: string): unknown {
  const text = Buffer.from(body).toString('utf8');
  try {
    const json = contentType.startsWith('application/x-www-form-urlencoded') ? (new URLSearchParams(text).get('payload') ?? '') : text;
    return json.trim() === '' ? undefined : JSON.parse(json);
  } catch {
    if (forge.jsonBody) throw new DeliveryRefusedError('bad_request', new ApiError('bad_payload', `a ${forge.kind} delivery must be JSON`));
    return undefined;
  }
}

/** The delivery's id; without one, the body's digest stands in: a byte-identical resend is a redelivery. */
function deliveryIdOf(forge: Forge, headers: Headers, body: Uint8Array): string {
  const headerId = forge.deliveryId(headers)?.trim();
  if (headerId !== undefined && headerId.length > MAX_DELIVERY_ID) throw new DeliveryRefusedError('bad_request', new ApiError('bad_delivery_id', 'the delivery id is too long'));
  return headerId || `sha256-${hmacSha256Hex('coflow-delivery', body)}`;
}

export const hookRoutes: RouteModule = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post', path: '/hooks/{forge}/{ns}/{repo}/{name}', tags: ['webhooks'],
      summary: 'A webhook delivery (signed; no bearer token). Body: the forge\'s JSON payload (GitHub\'s form encoding `payload=` too), read raw and verified before parsing',
      security: [],
      request: {
        params: FlowParams.extend({ forge: z.string().openapi({ param: { name: 'forge', in: 'path' }, example: 'github', description: FORGE_NAMES }) }),
      },
      responses: {
        201: { description: 'a run started', content: { 'application/json': { schema: HookResult } } },
        200: { description: 'a redelivery: its run exists, nothing new started', content: { 'application/json': { schema: HookResult } } },
        202: { description: 'acknowledged without a run (filtered out, ping, an event coflow does not run on, [skip ci]); `reason` says why', content: { 'application/json': { schema: HookResult } } },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { forge: forgeName, ns, repo, name } = c.req.valid('param');
      // Own keys only: `/hooks/constructor/…` must not find Object.prototype.constructor.
      const forge = Object.hasOwn(FORGES, forgeName) ? FORGES[forgeName] : undefined;
      const count = (result: DeliveryResult): void => deps.metrics.webhookDeliveries.inc({ forge: forge?.kind ?? 'unknown', result });
      try {
        if (!forge) throw new DeliveryRefusedError('bad_request', new ApiError('not_found', `no webhook "${forgeName}"; use ${FORGE_NAMES}`));
        const uri = `${ns}/${repo}/${name}`;
        const body = new Uint8Array(await c.req.arrayBuffer());
        const headers = c.req.raw.headers;
        const { stored, verified } = await verifiedTriggers(deps, forge, uri, body, headers);
        // Verified: from here the body is trusted to come from the forge.
        const payload = readPayload(forge, body, c.req.header('content-type') ?? '');
        const event = forge.eventName(headers);
        if (event === undefined || event === '') throw new DeliveryRefusedError('bad_request', new ApiError('no_event', `the delivery does not name its ${forge.kind} event`));
        const deliveryId = deliveryIdOf(forge, headers, body);

        const normalised = forge.normalise(event, payload);
        if (!normalised.ok) {
          count('ignored');
          return c.json({ result: 'ignored' as const, reason: normalised.reason, event: normalised.event }, 202);
        }
        const trigger: TriggerContext = {
          kind: forge.kind,
          ...normalised.trigger,
          deliveryId,
          ...(payload !== undefined && body.length <= MAX_PAYLOAD_IN_CONTEXT ? { payload } : {}),
        };
        const reasons = verified.map((t) => filterOut(t, trigger));
        if (!reasons.includes(undefined)) {
          count('filtered');
          return c.json({ result: 'filtered' as const, reason: reasons.join('; '), event: trigger.event }, 202);
        }
        const started = verified.filter((_, i) => reasons[i] === undefined);
        const skipped = skippedBecause(started, trigger);
        if (skipped !== undefined) {
          count('ignored');
          return c.json({ result: 'ignored' as const, reason: skipped, event: trigger.event }, 202);
        }
        const secretsWithheld = secretsWithheldFor(started, trigger);
        // Commit statuses: from the first matching trigger with `report:` (runs/report-target.ts).
        const report = eventReportRequest(started, trigger.commit, trigger.repo?.fullName, payload, deps.publicUrl ?? new URL(c.req.url).origin);
        // The version whose triggers verified and matched the delivery is the one the run pins (one flow lookup per delivery).
        const run = await startRun(deps.runs, {
          uri, trigger, deliveryKey: `${forge.kind}:${deliveryId}`, ...(report ? { report } : {}), ...(secretsWithheld ? { secretsWithheld } : {}),
        }, stored);
        count(run.duplicate ? 'duplicate' : 'started');
        const { payload: _payload, ...shown } = trigger;
        const answer = { result: run.duplicate ? ('duplicate' as const) : ('started' as const), runId: run.runId, number: run.number, event: trigger.event, trigger: shown as unknown as Record<string, JSONValue> };
        return run.duplicate ? c.json(answer, 200) : c.json(answer, 201);
      } catch (err) {
        if (err instanceof DeliveryRefusedError) {
          count(err.result);
          throw err.error;
        }
        count(err instanceof ApiError || err instanceof ComponentNotFoundError || err instanceof ComponentUseError || err instanceof FlowNotFoundError ? 'bad_request' : 'error');
        throw err;
      }
    },
  );
};
