/**
 * Load generator for bench/webhooks.ts, run as its own process so the client
 * does not share a CPU budget with the server's event loop. `requests` calls
 * with `concurrency` in flight, one of:
 * - `hook`: signed GitHub push deliveries, each with its own delivery id;
 * - `get`: plain GETs (`/healthz`);
 * - `floor`: the same run workflow started directly with a Temporal client —
 *   the run input a delivery produced (`inputFile`), a fresh number, run id
 *   and delivery id per start, through the very call the API makes
 *   (runs/start.ts `startPrepared`: same id policies, same search attributes).
 * Prints latencies, throughput, statuses and the distinct runs started as JSON.
 * Usage: node bench/load.ts '<json options>'
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { runIdOf } from '../contracts/run-id.ts';
import type { RunInput } from '../contracts/run-input.ts';
import { startPrepared } from '../runs/start.ts';

interface LoadOptions {
  readonly mode: 'hook' | 'get' | 'floor';
  readonly requests: number;
  readonly concurrency: number;
  /** hook, get: where to send. */
  readonly url?: string;
  readonly secret?: string;
  /** floor: the Temporal server, namespace, task queue, a delivery's run input (JSON file) and the first run number to use. */
  readonly temporal?: { readonly address: string; readonly namespace: string; readonly taskQueue: string; readonly inputFile: string; readonly firstNumber: number };
}

interface Outcome { readonly ms: number; readonly status: number | string; readonly runId?: string }

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const body = JSON.stringify({
  ref: 'refs/heads/main', after: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  head_commit: { id: '9fceb02d0ae598e95dc970b74767f19372d61af8', message: 'bench', author: { name: 'b', username: 'b' } },
  repository: { full_name: 'acme/shop', clone_url: 'https://example.com/acme/shop.git' }, sender: { login: 'bench' },
});
const signature = `sha256=${createHmac('sha256', opts.secret ?? '').update(body).digest('hex')}`;

async function http(): Promise<Outcome> {
  const started = performance.now();
  const res = opts.mode === 'hook'
    ? await fetch(opts.url!, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature },
    })
    : await fetch(opts.url!);
  const text = await res.text();
  const ms = performance.now() - started;
  const runId = res.status === 201 ? (JSON.parse(text) as { runId?: string }).runId : undefined;
  return { ms, status: res.status, ...(runId === undefined ? {} : { runId }) };
}

async function floorStarter(): Promise<() => Promise<Outcome>> {
  const t = opts.temporal!;
  const template = JSON.parse(readFileSync(t.inputFile, 'utf8')) as RunInput;
  const client = new Client({ connection: await Connection.connect({ address: t.address }), namespace: t.namespace });
  let number = t.firstNumber;
  return async () => {
    const n = number++;
    const trigger = { ...template.trigger!, deliveryId: randomUUID() };
    const input: RunInput = { ...template, runId: runIdOf(template.flow.uri, n), number: n, trigger };
    const started = performance.now();
    try {
      const run = await startPrepared({ temporal: client, taskQueue: t.taskQueue }, input, { fresh: true, trigger });
      return { ms: performance.now() - started, status: run.duplicate ? 'duplicate' : 'started', runId: run.runId };
    } catch (err) {
      return { ms: performance.now() - started, status: err instanceof Error ? err.name : 'error' };
    }
  };
}

const one = opts.mode === 'floor' ? await floorStarter() : http;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
const runs = new Set<string>();
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: opts.concurrency }, async () => {
  while (next < opts.requests) {
    next++;
    const r = await one();
    latencies.push(r.ms);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.runId !== undefined) runs.add(r.runId);
  }
}));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))]!;
process.stdout.write(`${JSON.stringify({ p50: pct(50), p99: pct(99), rps: opts.requests / seconds, statuses, runs: runs.size })}\n`);
// The Temporal connection keeps the event loop alive.
process.exit(0);
