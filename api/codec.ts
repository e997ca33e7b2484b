/**
 * The codec endpoint Temporal's UI and CLI call to show decoded payloads
 * (`temporal … --codec-endpoint <api>/api/v1/codec`, the UI's codec server):
 * POST /api/v1/codec/decode and /api/v1/codec/encode with
 * `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`. docs/codec.md.
 *
 * Mounted by createApi (api/app.ts) before the API's own authentication, as
 * its own gate: CORS for the allowed origins (api/codec-cors.ts), then
 * `Content-Type: application/json` (415 otherwise), then a bearer token or the
 * web session judged by {@link codecOriginProblem} instead of the
 * X-Coflow-CSRF rule (the Temporal UI cannot send that header). Decoding
 * turns ciphertext into clear text: viewer. Encoding makes ciphertext the
 * worker accepts as its own, so a caller could forge inputs or signals for
 * anyone with Temporal access: operator, who may start and steer runs anyway.
 * `X-Namespace` naming another Temporal namespace than the API serves: 403.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import { authenticate, requireRole } from './auth/index.ts';
import { codecOriginProblem } from './auth/csrf.ts';
import { codecCors } from './codec-cors.ts';
import type { ApiApp, ApiDeps } from './context.ts';
import { ApiError } from './errors.ts';
import { errorResponses } from './schemas.ts';

/** Everything under it is the codec's: the API's generic authentication skips it when the codec is mounted. */
export const CODEC_PREFIX = '/api/v1/codec/';

const JsonPayload = z.object({
  metadata: z.record(z.string(), z.string().base64()).optional(),
  data: z.string().base64().optional(),
}).openapi('CodecPayload');
type JsonPayload = z.infer<typeof JsonPayload>;
const Payloads = z.object({ payloads: z.array(JsonPayload) }).openapi('CodecPayloads');

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** 415 unless the body is declared JSON: a browser may send other types cross-origin without a preflight. */
const requireJson: MiddlewareHandler = async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError('unsupported_media_type', `the codec endpoint takes Content-Type: application/json, not ${type === undefined || type === '' ? 'a body without one' : type}`);
  }
  return next();
};

/** 403 when `X-Namespace` names a namespace this API does not serve; absent: the served one. */
const requireNamespace = (served: string): MiddlewareHandler => async (c, next) => {
  const asked = c.req.header('x-namespace');
  if (asked !== undefined && asked !== '' && asked !== served) {
    throw new ApiError('forbidden', `this codec endpoint serves the Temporal namespace "${served}", not "${asked}" (X-Namespace)`, { served, asked });
  }
  return next();
};

export interface CodecMount {
  readonly codec: PayloadCodec;
  /** COFLOW_CODEC_CORS_ORIGINS: origins whose pages may call the endpoint with credentials. */
  readonly corsOrigins: readonly string[];
}

/** Mounts the codec's gate and routes; call before the API's generic authentication is registered. */
export function mountCodec(app: ApiApp, deps: ApiDeps, { codec, corsOrigins }: CodecMount): void {
  const auth = authenticate(deps.tokens, deps.sessions, deps.publicUrl, (request) => codecOriginProblem(request, corsOrigins));
  app.use(`${CODEC_PREFIX}*`, codecCors(corsOrigins), requireJson, auth, requireNamespace(deps.namespace));
  for (const [op, role] of [['decode', 'viewer'], ['encode', 'operator']] as const) {
    app.openapi(
      createRoute({
        method: 'post', path: `${CODEC_PREFIX}${op}`, tags: ['codec'],
        summary: op === 'decode' ? 'Decrypt Temporal payloads (Temporal UI/CLI codec server)' : 'Encrypt Temporal payloads with the platform key',
        middleware: [requireRole(role)] as const,
        request: {
          headers: z.object({ 'x-namespace': z.string().optional() }),
          body: { required: true, content: { 'application/json': { schema: Payloads } } },
        },
        responses: {
          200: { description: `the payloads, ${op}d`, content: { 'application/json': { schema: Payloads } } },
          ...errorResponses(400, 401, 403, 415),
        },
      }),
      async (c) => {
        const payloads = c.req.valid('json').payloads.map(toPayload);
        const out = op === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
        return c.json({ payloads: out.map(toJson) }, 200);
      },
    );
  }
}
