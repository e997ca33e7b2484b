/**
 * The codec endpoint Temporal's UI and CLI call to show decoded payloads
 * (`temporal … --codec-endpoint`, UI "codec server"): POST /codec/decode and
 * /codec/encode with `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`.
 * Mount it behind the API's authentication: it turns ciphertext into clear text.
 */
import { Hono } from 'hono';
import type { Payload, PayloadCodec } from '@temporalio/common';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** Routes `/codec/encode` and `/codec/decode` (with CORS for the Temporal UI's origin, when given). */
export function codecRoutes(codec: PayloadCodec, options: { corsOrigin?: string } = {}): Hono {
  const app = new Hono();
  const cors = (headers: Headers): void => {
    if (options.corsOrigin === undefined) return;
    headers.set('Access-Control-Allow-Origin', options.corsOrigin);
    headers.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
    headers.set('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    headers.set('Access-Control-Allow-Credentials', 'true');
  };
  for (const op of ['encode', 'decode'] as const) {
    app.options(`/codec/${op}`, (c) => {
      cors(c.res.headers);
      return c.body(null, 204);
    });
    app.post(`/codec/${op}`, async (c) => {
      const body = await c.req.json<{ payloads?: JsonPayload[] }>();
      if (!Array.isArray(body.payloads)) return c.json({ error: { code: 'bad_request', message: 'body must be { "payloads": [...] }', details: null } }, 400);
      const payloads = body.payloads.map(toPayload);
      const out = op === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      const res = c.json({ payloads: out.map(toJson) });
      cors(res.headers);
      return res;
    });
  }
  return app;
}
