/**
 * A Hono app on a Node HTTP server: what the API and a worker's endpoints
 * both need to listen and to stop.
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';

export interface Listening {
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Stops listening and closes every open connection (SSE streams included). */
  close(): Promise<void>;
}

/** Serves `fetch` on `host:port` (0 picks a port); resolves once it listens. */
export async function listenHttp(fetch: (request: Request) => Response | Promise<Response>, listen: { host: string; port: number }): Promise<Listening> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, hostname: listen.host, port: listen.port }, () => resolve(s));
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
