/**
 * Serving the HTTP API of one platform process (`coflow dev`, an API server):
 * the Hono app on a Node HTTP server (with the codec endpoint when
 * `options.payloadCodec` is set, api/codec.ts).
 */
import { createApi, type ApiOptions } from '../api/app.ts';
import { listenHttp, type Listening } from './http-listen.ts';

export type ApiServer = Listening;

export function serveApi(options: ApiOptions, listen: { host: string; port: number }): Promise<ApiServer> {
  return listenHttp(createApi(options).fetch, listen);
}
