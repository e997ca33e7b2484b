/**
 * The HTTP endpoints of a worker process (`coflow worker`), on a port of its
 * own: `/healthz` (the process answers), `/readyz` (Temporal and the store
 * answer and the worker polls), `/metrics` (its Prometheus registry: job
 * attempt durations and the process's own figures). No API, no tokens:
 * probes and scrapers carry none.
 */
import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Store } from '../store/store.ts';
import { listenHttp, type Listening } from './http-listen.ts';

export interface WorkerServerDeps {
  readonly store: Store;
  readonly temporal: Client;
  readonly namespace: string;
  readonly registry: Registry;
  /** The worker's state as the SDK names it (RUNNING while it polls). */
  readonly workerState: () => string;
}

const CHECK_TIMEOUT_MS = 2_000;

async function check(what: string, probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)))]);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

export function workerEndpoints(deps: WorkerServerDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const state = deps.workerState();
    const checks: Record<string, string> = {
      worker: state === 'RUNNING' ? 'ok' : `the worker is ${state.toLowerCase()}`,
      store: await check('the store', () => deps.store.ping()),
      temporal: await check('Temporal', () => deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace })),
    };
    const ready = Object.values(checks).every((v) => v === 'ok');
    return c.json({ ready, checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.body(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }));
  return app;
}

/** Serves the endpoints on `host:port` (0 picks a port); resolves once it listens. */
export function serveWorkerEndpoints(deps: WorkerServerDeps, listen: { host: string; port: number }): Promise<Listening> {
  const app = workerEndpoints(deps);
  return listenHttp(app.fetch, listen);
}
