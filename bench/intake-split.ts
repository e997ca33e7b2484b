/**
 * Where a webhook intake's time goes: each step the route takes
 * (api/routes/hooks.ts → runs/start.ts), called on its own against the
 * platform's own store and Temporal client, for `deliveries` fresh deliveries —
 * one at a time (the cost of the step) and then `concurrency` at once (whether
 * the step serialises: its throughput should grow with concurrency unless
 * something makes requests take turns).
 * Used by bench/webhooks.ts.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { loadCatalog, resolveComponents } from '../components/catalog.ts';
import { runIdOf } from '../contracts/run-id.ts';
import type { RunInput } from '../contracts/run-input.ts';
import type { TriggerContext } from '../contracts/triggers.ts';
import { github } from '../api/webhooks/github.ts';
import { pinnedSpec } from '../runs/prepare.ts';
import { startPrepared } from '../runs/start.ts';
import type { Platform } from '../worker/platform.ts';
import { median, percentile } from './support/stats.ts';

export interface SplitOptions {
  readonly platform: Platform;
  readonly uri: string;
  readonly secret: string;
  readonly deliveries: number;
  readonly concurrency: number;
  readonly taskQueue?: string;
}

/** Split runs take numbers from here up: never one a delivery or the floor takes. */
const SPLIT_NUMBERS = 2_000_000;

interface Timed { readonly perCall: number[]; readonly rps: number }

/** `n` calls of `step`, `concurrency` in flight: each call's time and the calls per second. */
async function timed(n: number, concurrency: number, step: (i: number) => Promise<unknown>): Promise<Timed> {
  const perCall: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await step(i);
      perCall.push(performance.now() - t);
    }
  }));
  return { perCall, rps: n / ((performance.now() - started) / 1000) };
}

export async function timeIntakeSteps(options: SplitOptions): Promise<string> {
  const { platform, uri, secret, deliveries: n, concurrency } = options;
  const { store, client } = platform;
  const catalog = loadCatalog(resolve(import.meta.dirname, '../components'));
  const body = new TextEncoder().encode(JSON.stringify({
    ref: 'refs/heads/main', after: '9fceb02d0ae598e95dc970b74767f19372d61af8',
    head_commit: { id: '9fceb02d0ae598e95dc970b74767f19372d61af8', message: 'bench', author: { name: 'b', username: 'b' } },
    repository: { full_name: 'acme/shop', clone_url: 'https://example.com/acme/shop.git' }, sender: { login: 'bench' },
  }));
  const headers = new Headers({
    'x-github-event': 'push', 'x-github-delivery': randomUUID(),
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  });
  const stored = await store.getFlow(uri);
  if (!stored) throw new Error(`flow ${uri} is not applied`);
  const normalised = github.normalise('push', JSON.parse(Buffer.from(body).toString('utf8')));
  if (!normalised.ok) throw new Error(normalised.reason);
  const trigger: TriggerContext = { kind: 'github', ...normalised.trigger, deliveryId: 'split' };
  const flow = resolveComponents(pinnedSpec(stored), catalog);
  let number = SPLIT_NUMBERS;
  const steps: [string, (i: number) => Promise<unknown>][] = [
    ['verify the signature (HMAC-SHA256)', () => Promise.resolve(github.verify(secret, body, headers))],
    ['parse and normalise the payload', () => Promise.resolve(github.normalise('push', JSON.parse(Buffer.from(body).toString('utf8'))))],
    ['flow lookup (store.getFlow)', () => store.getFlow(uri)],
    ['pin components (resolveComponents)', () => Promise.resolve(resolveComponents(pinnedSpec(stored), catalog))],
    ['claim the number (store.claimRunNumber)', () => store.claimRunNumber(uri, `split:${randomUUID()}`)],
    ['start the workflow (startPrepared)', () => {
      const n2 = number++;
      const input: RunInput = { runId: runIdOf(uri, n2), number: n2, flowVersion: stored.version, flow, trigger: { ...trigger, deliveryId: randomUUID() } };
      return startPrepared({ temporal: client, taskQueue: options.taskQueue ?? 'bench-hooks' }, input, { fresh: true, trigger: input.trigger! });
    }],
  ];
  const lines = [
    `where an intake's time goes — each step alone, ${n} calls one at a time, then ${n} calls ${concurrency} in flight`,
    `| step | alone p50 | alone p99 | alone calls/s | ${concurrency} in flight p50 | ${concurrency} in flight calls/s |`,
    '|---|---|---|---|---|---|',
  ];
  const f = (x: number): string => (x < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(1)} ms`);
  for (const [name, step] of steps) {
    const alone = await timed(n, 1, step);
    const together = await timed(n, concurrency, step);
    lines.push(`| ${name} | ${f(median(alone.perCall))} | ${f(percentile(alone.perCall, 99))} | ${alone.rps.toFixed(0)} | ${f(median(together.perCall))} | ${together.rps.toFixed(0)} |`);
  }
  return lines.join('\n');
}
