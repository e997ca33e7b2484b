/**
 * Serving the HTTP API of one platform process (`coflow dev`, an API server):
 * the Hono app on a Node HTTP server, with the codec routes when payloads
 * are encrypted.
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { serve, type ServerType } from '@hono/node-server';
import type { PayloadCodec } from '@temporalio/common';
import { createApi, type ApiOptions } from '../api/app.ts';
import { codecRoutes } from '../api/codec.ts';
import type { ApiEnv } from '../api/context.ts';

export interface ApiServer {
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Stops listening and closes every open connection (SSE streams included). */
  close(): Promise<void>;
}

export async function serveApi(options: ApiOptions, listen: { host: string; port: number }, payloadCodec?: PayloadCodec): Promise<ApiServer> {
  const codec = payloadCodec === undefined ? [] : [(api: OpenAPIHono<ApiEnv>) => void api.route('/api/v1', codecRoutes(payloadCodec))];
  const app = createApi({ ...options, routes: [...(options.routes ?? []), ...codec] });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: listen.host, port: listen.port }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listen.host}:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as HttpServer).closeAllConnections();
      await closed;
    },
  };
}
