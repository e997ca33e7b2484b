/**
 * Serving the HTTP API of one platform process (`coflow dev`, an API server):
 * the Hono app on a Node HTTP server, with the codec routes when payloads
 * are encrypted.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { PayloadCodec } from '@temporalio/common';
import { createApi, type ApiOptions } from '../api/app.ts';
import { codecRoutes } from '../api/codec.ts';
import type { ApiEnv } from '../api/context.ts';
import { listenHttp, type Listening } from './http-listen.ts';

export type ApiServer = Listening;

export function serveApi(options: ApiOptions, listen: { host: string; port: number }, payloadCodec?: PayloadCodec): Promise<ApiServer> {
  const codec = payloadCodec === undefined ? [] : [(api: OpenAPIHono<ApiEnv>) => void api.route('/api/v1', codecRoutes(payloadCodec))];
  const app = createApi({ ...options, routes: [...(options.routes ?? []), ...codec] });
  return listenHttp(app.fetch, listen);
}
