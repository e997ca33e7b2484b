/**
 * What every route module receives: the Hono environment (with the `actor`
 * the auth middleware sets) and the API's dependencies. A route module is a
 * function that registers its routes on the app; `api/app.ts` lists them.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Catalog } from '../components/catalog.ts';
import type { CallbackStore } from '../store/callbacks.ts';
import type { SecretStore } from '../store/secrets.ts';
import type { Store } from '../store/types.ts';
import type { Actor } from '../workflows/control.ts';
import type { ApiMetrics } from './metrics.ts';

export type { Actor };

/** Hono environment of the API: `c.get('actor')` is who made the request. */
export interface ApiEnv {
  Variables: {
    /** Set by the auth middleware on every `/api/v1` request (anonymous admin when auth is off). */
    actor: Actor;
  };
}

/** Resolves a secret name (e.g. a webhook trigger's `secret:`) to its value. */
export type SecretResolver = (name: string) => string | undefined;

export interface ApiDeps {
  readonly store: Store;
  readonly temporal: Client;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly catalog: Catalog;
  readonly metrics: ApiMetrics;
  readonly resolveSecret: SecretResolver;
  /** Interval of the store/Temporal polling behind SSE streams (ms). */
  readonly pollMs: number;
  /** Callback tokens of service jobs; without it every callback is unknown (404). */
  readonly callbacks?: CallbackStore;
  /** The embedded secret store (`/api/v1/secrets`); absent: secrets come only from env/file. */
  readonly secretStore?: SecretStore;
}

export type ApiApp = OpenAPIHono<ApiEnv>;

/** Registers a group of routes (one concept: flows, runs, logs, hooks…). */
export type RouteModule = (app: ApiApp, deps: ApiDeps) => void;
