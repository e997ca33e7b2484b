/**
 * The HTTP API: `/api/v1` (flows, runs, logs, components), the webhooks under
 * `/hooks`, probes and `/metrics`. Built from its dependencies; misconfiguration
 * fails here, at build time, not on a request.
 *
 * Each concept lives in its own route module (`api/routes/*.ts`); to add one,
 * write a {@link RouteModule} and list it in {@link ROUTE_MODULES}. Every
 * `/api/v1` handler can read `c.get('actor')` (user and roles, set by the auth
 * middleware from a bearer token or the web session cookie) and guard itself
 * with `requireRole('viewer' | 'operator' | 'admin')`. Every response carries
 * the security headers of api/security-headers.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { bodyLimit } from 'hono/body-limit';
import type { Catalog } from '../components/catalog.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import type { SecretVault } from '../store/secrets.ts';
import type { Store } from '../store/store.ts';
import { authenticate, tokenTable, type TokenEntry, type TokenTable } from './auth/index.ts';
import { SESSION_COOKIE } from './auth/session-cookie.ts';
import { createSessions } from './auth/sessions.ts';
import type { ApiDeps, ApiEnv, RouteModule } from './context.ts';
import { CODEC_PREFIX, mountCodec } from './codec.ts';
import { ApiError, errorResponse } from './errors.ts';
import { createMetrics, type ApiMetrics } from './metrics.ts';
import { alertmanagerRoutes } from './routes/alertmanager.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { deploymentRoutes } from './routes/deployments.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { secretRoutes } from './routes/secrets.ts';
import { componentRoutes } from './routes/components.ts';
import { doraRoutes } from './routes/dora.ts';
import { controlRoutes } from './routes/control.ts';
import { environmentRoutes } from './routes/environments.ts';
import { deployControlRoutes } from './routes/deploy-control.ts';
import { flowRoutes } from './routes/flows.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { logRoutes } from './routes/logs.ts';
import { runRoutes } from './routes/runs.ts';
import { SESSION_PATH, sessionRoutes } from './routes/session.ts';
import { securityHeaders } from './security-headers.ts';
import { registerWebUi } from './web-ui.ts';
import { runListEventRoutes } from './routes/run-list-events.ts';

export type { ApiDeps, ApiEnv, RouteModule } from './context.ts';

/**
 * The route modules, registered in this order. Other concepts (run control,
 * codec, …) add their module here.
 */
const ROUTE_MODULES: readonly RouteModule[] = [
  healthRoutes,
  sessionRoutes,
  flowRoutes,
  environmentRoutes,
  runRoutes,
  runListEventRoutes,
  logRoutes,
  componentRoutes,
  hookRoutes,
  controlRoutes,
  deployControlRoutes,
  secretRoutes,
  callbackRoutes,
  deploymentRoutes,
  incidentRoutes,
  alertmanagerRoutes,
  doraRoutes,
];

export interface ApiOptions {
  readonly store: Store;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly catalog: Catalog;
  /** Temporal namespace (visibility queries, readiness). Default `default`. */
  readonly namespace?: string;
  /** Bearer tokens; none (the default) turns authentication off: every request acts as an anonymous admin. */
  readonly tokens?: readonly TokenEntry[] | TokenTable;
  /** Webhook secrets by name; default: none resolves. */
  readonly resolveSecret?: SecretResolver;
  /** Share the registry with the worker of the same process. */
  readonly metrics?: ApiMetrics;
  /** Polling interval behind the SSE streams (ms); default 250. */
  readonly pollMs?: number;
  /** Where `PUT /api/v1/secrets/{name}` keeps values (encrypted); absent: 409 `no_secret_store`. */
  readonly secrets?: SecretVault;
  /** COFLOW_SESSION_KEY: signs session cookies; every API server of a platform needs the same one. Absent: a random key of this process. */
  readonly sessionKey?: string;
  /** COFLOW_SESSION_TTL: how long a web session lasts (ms); default 8 h. */
  readonly sessionTtlMs?: number;
  /** COFLOW_PUBLIC_URL: the address users reach the server at, an origin the CSRF rules accept besides the request's own. */
  readonly publicUrl?: string;
  /** COFLOW_CODEC_KEYS: the payload codec served at `/api/v1/codec/decode|encode` (api/codec.ts); absent: no codec endpoint. */
  readonly payloadCodec?: PayloadCodec;
  /** Origins whose pages may call the codec endpoint (`/api/v1/codec/*`) from a browser, with credentials (api/codec.ts). */
  readonly codecCorsOrigins?: readonly string[];
  /** Where one-line notices go (a missing session key); default stderr. */
  readonly log?: (line: string) => void;
  /** Extra route modules (tests, embedders), after {@link ROUTE_MODULES}. */
  readonly routes?: readonly RouteModule[];
  /** The built web UI served at `/` (web/build.ts); absent: `/` answers 503 saying the UI is not built. */
  readonly webRoot?: string;
}

const OPENAPI_PATH = '/api/v1/openapi.json';
/** GitHub caps deliveries at 25 MB. */
const MAX_HOOK_BODY = 25 * 1024 * 1024;
const MAX_API_BODY = 10 * 1024 * 1024;

/** Builds the Hono app. */
export function createApi(options: ApiOptions): OpenAPIHono<ApiEnv> {
  const { store, temporal, taskQueue, catalog, namespace = 'default', pollMs = 250 } = options;
  if (!taskQueue) throw new RangeError('createApi: taskQueue is required');
  if (!Number.isFinite(pollMs) || pollMs <= 0) throw new RangeError('createApi: pollMs must be a positive number');
  const tokens = options.tokens === undefined ? tokenTable([]) : 'lookup' in options.tokens ? options.tokens : tokenTable(options.tokens);
  const metrics = options.metrics ?? createMetrics({ dora: { store } });
  const sessions = createSessions(tokens, store, {
    ...(options.sessionKey === undefined ? {} : { key: options.sessionKey }),
    ...(options.sessionTtlMs === undefined ? {} : { ttlMs: options.sessionTtlMs }),
    ...(options.log ? { log: options.log } : {}),
  });
  const runs = { store, catalog, temporal, taskQueue, onStarted: (trigger: string) => metrics.runsStarted.inc({ trigger }) };
  const deps: ApiDeps = {
    store, temporal, namespace, taskQueue, catalog, metrics, pollMs, runs, sessions, tokens,
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    resolveSecret: options.resolveSecret ?? (() => Promise.resolve(undefined)),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  };

  const app = new OpenAPIHono<ApiEnv>({
    // Request validation failures: 400 with every issue, in the one error body.
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        throw new ApiError('invalid_request', issues.map((i) => `${i.path || 'request'}: ${i.message}`).join('; '), { issues });
      }
    },
  });
  app.onError(errorResponse);
  app.notFound((c) => errorResponse(new ApiError('not_found', `no route for ${c.req.method} ${c.req.path}`), c));

  app.use('*', securityHeaders());
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    metrics.httpDuration.observe({ method: c.req.method, route: c.req.routePath, status: String(c.res.status) }, (performance.now() - started) / 1000);
  });
  const tooLarge = (limit: number) => () => {
    throw new ApiError('body_too_large', `the request body is larger than ${limit / 1024 / 1024} MiB`);
  };
  app.use('/hooks/*', bodyLimit({ maxSize: MAX_HOOK_BODY, onError: tooLarge(MAX_HOOK_BODY) }));
  app.use('/api/v1/*', bodyLimit({ maxSize: MAX_API_BODY, onError: tooLarge(MAX_API_BODY) }));
  // Before the generic authentication: the codec answers CORS preflights first and has its own session rule.
  const codec = options.payloadCodec;
  if (codec !== undefined) mountCodec(app, deps, { codec, corsOrigins: options.codecCorsOrigins ?? [] });
  else if (options.codecCorsOrigins?.length) (options.log ?? ((line) => void process.stderr.write(`${line}\n`)))('coflow api: COFLOW_CODEC_CORS_ORIGINS is set but COFLOW_CODEC_KEYS is not: there is no codec endpoint to call');
  const auth = authenticate(tokens, sessions, options.publicUrl);
  app.use('/api/v1/*', async (c, next) => {
    // Signing in authenticates by the token in its body; the codec authenticated above.
    if (c.req.path === OPENAPI_PATH || (c.req.path === SESSION_PATH && c.req.method === 'POST')) return next();
    if (codec !== undefined && c.req.path.startsWith(CODEC_PREFIX)) return next();
    return auth(c as Parameters<typeof auth>[0], next);
  });

  for (const register of [...ROUTE_MODULES, ...(options.routes ?? [])]) register(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey', in: 'cookie', name: SESSION_COOKIE,
    description: 'set by POST /api/v1/session; a request other than GET/HEAD/OPTIONS also needs the X-Coflow-CSRF header (docs/web-ui.md)',
  });
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'coflow API',
      version: '1',
      description: 'Durable DevOps flows on Temporal. Errors are { "error": { "code", "message", "details" } }. '
        + 'Roles: viewer reads; operator also starts and steers runs; admin also applies flows.',
    },
    security: [{ bearer: [] }, { session: [] }],
  });
  // Last: every GET no route above answered, outside /api and /hooks, is a page of the UI.
  registerWebUi(app, options.webRoot);
  return app;
}
