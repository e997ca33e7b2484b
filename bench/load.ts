/**
 * Load generator for bench/webhooks.ts, run as its own process so the client
 * does not share a CPU budget with the server's event loop. Sends `requests`
 * POSTs (signed GitHub pushes, each with its own delivery id) or GETs, with
 * `concurrency` in flight; prints latencies and throughput as JSON.
 * Usage: node bench/load.ts '<json options>'
 */
import { createHmac, randomUUID } from 'node:crypto';

interface LoadOptions {
  readonly url: string;
  readonly mode: 'hook' | 'get';
  readonly requests: number;
  readonly concurrency: number;
  readonly secret?: string;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const body = JSON.stringify({
  ref: 'refs/heads/main', after: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  head_commit: { id: '9fceb02d0ae598e95dc970b74767f19372d61af8', message: 'bench', author: { name: 'b', username: 'b' } },
  repository: { full_name: 'acme/shop', clone_url: 'https://example.com/acme/shop.git' }, sender: { login: 'bench' },
});
const signature = `sha256=${createHmac('sha256', opts.secret ?? '').update(body).digest('hex')}`;

async function one(): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = opts.mode === 'hook'
    ? await fetch(opts.url, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature },
    })
    : await fetch(opts.url);
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

const latencies: number[] = [];
const statuses: Record<number, number> = {};
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: opts.concurrency }, async () => {
  while (next < opts.requests) {
    next++;
    const r = await one();
    latencies.push(r.ms);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
}));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
process.stdout.write(`${JSON.stringify({ p50: pct(50), p99: pct(99), rps: opts.requests / seconds, statuses })}\n`);
