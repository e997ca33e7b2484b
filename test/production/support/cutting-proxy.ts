/**
 * A TCP proxy in front of PostgreSQL that can cut every connection through
 * it at once: the network failing between coflow and its database, at a
 * moment a test chooses (the server itself runs on).
 */
import { createServer, connect, type Socket } from 'node:net';

export interface CuttingProxy {
  /** The database URL `url` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** Destroys every connection open through the proxy; new ones are let through. */
  cut(): void;
  close(): Promise<void>;
}

export async function cuttingProxy(url: string): Promise<CuttingProxy> {
  const target = new URL(url);
  const open = new Set<Socket>();
  const server = createServer((downstream) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [downstream, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    downstream.pipe(upstream).on('close', () => downstream.destroy());
    upstream.pipe(downstream).on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const proxied = new URL(url);
  proxied.host = `127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return {
    url: proxied.toString(),
    cut: () => {
      for (const socket of open) socket.destroy();
    },
    close: () => new Promise((resolve) => {
      for (const socket of open) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
