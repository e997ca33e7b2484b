/**
 * Probes and Prometheus: `/healthz` (the process answers), `/readyz` (Temporal
 * and the store answer), `/metrics`. No token: probes and scrapers carry none.
 */
import type { RouteModule } from '../context.ts';

const READY_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export const healthRoutes: RouteModule = (app, deps) => {
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = {};
    try {
      await withTimeout(deps.store.ping(), READY_TIMEOUT_MS, 'the store');
      checks.store = 'ok';
    } catch (err) {
      checks.store = (err as Error).message;
    }
    try {
      await withTimeout(deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace }), READY_TIMEOUT_MS, 'Temporal');
      checks.temporal = 'ok';
    } catch (err) {
      checks.temporal = (err as Error).message;
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    return c.json({ ready, checks }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
};
