import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPodTemplate } from './fetch-template.ts';

const POD = 'containers: [ { image: coflow/shell:1.0.0 } ]\n';

describe('fetching a template', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/pod.yaml') return res.end(POD);
      if (req.url === '/big.yaml') return res.end('x'.repeat(2048));
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('GETs the manifest; a 404, a body too large or a refused connection is an error saying so', async () => {
    expect(await fetchPodTemplate(`${base}/pod.yaml`)).toBe(POD);
    await expect(fetchPodTemplate(`${base}/nope.yaml`)).rejects.toThrow('cannot fetch: HTTP 404 Not Found');
    await expect(fetchPodTemplate(`${base}/big.yaml`, { maxBytes: 1024 })).rejects.toThrow('the manifest is 2048 bytes, more than the 1024 accepted');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(fetchPodTemplate(`http://127.0.0.1:${port}/pod.yaml`)).rejects.toThrow(/cannot fetch: .*ECONNREFUSED/);
  });
});
