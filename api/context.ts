/**
 * What every route module receives: the Hono environment (with the `actor`
 * the auth middleware sets) and the API's dependencies. A route module is a
 * function that registers its routes on the app; `api/app.ts` lists them.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Catalog } from '../components/catalog.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import type { Actor } from '../contracts/signals.ts';
import type { StartDeps } from '../runs/start.ts';
import type { SecretVault } from '../store/secrets.ts';
import type { Store } from '../store/store.ts';
import type { Session } from './auth/session-cookie.ts';
import type { Sessions } from './auth/sessions.ts';
import type { TokenTable } from './auth/tokens.ts';
import type { ApiMetrics } from './metrics.ts';

export type { Actor };

/** Hono environment of the API: `c.get('actor')` is who made the request. */
export interface ApiEnv {
  Variables: {
    /** Set by the auth middleware on every `/api/v1` request (anonymous admin when auth is off). */
    actor: Actor;
    /** The web session the request was signed in by; absent for a bearer token (or with authentication off). */
    session?: Session;
  };
}

export interface ApiDeps {
  readonly store: Store;
  readonly temporal: Client;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly catalog: Catalog;
  readonly metrics: ApiMetrics;
  /** Webhook secrets (a trigger's `secret:`) by name. */
  readonly resolveSecret: SecretResolver;
  /** Interval of the store/Temporal polling behind SSE streams (ms). */
  readonly pollMs: number;
  /** Stored secrets (`/api/v1/secrets`); absent: secrets come only from the environment or a file. */
  readonly secrets?: SecretVault;
  /** What starting and steering runs needs (runs/start.ts, runs/control.ts); starts are counted in the metrics. */
  readonly runs: StartDeps;
  /** Web sign-in (`/api/v1/session`). */
  readonly sessions: Sessions;
  /** The configured bearer tokens (who exists, for signing a user out). */
  readonly tokens: TokenTable;
  /** COFLOW_PUBLIC_URL: an origin of this server besides the one a request arrived at (CSRF rules). */
  readonly publicUrl?: string;
}

export type ApiApp = OpenAPIHono<ApiEnv>;

/** Registers a group of routes (one concept: flows, runs, logs, hooks…). */
export type RouteModule = (app: ApiApp, deps: ApiDeps) => void;
