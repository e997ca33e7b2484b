/**
 * One process of the platform, in the roles it is given: the worker (runs
 * flows and their jobs), the HTTP API, or both. `coflow dev` runs both next to
 * the dev server; `coflow api` the API alone (any number behind a load
 * balancer); `coflow worker` the worker alone, with /metrics and probes on a
 * port of its own; the integration tests run both in-process.
 */
import { NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createConcurrencyActivities } from '../activities/concurrency.ts';
import { createDeployRecordActivities } from '../activities/deploy-records.ts';
import type { JobRunner } from '../activities/runner.ts';
import type { SmtpSettings } from '../activities/notify-mail.ts';
import { createScheduleActivities } from '../activities/scheduled-run.ts';
import { createLeadTimeActivities } from '../activities/deploy/lead-time.ts';
import type { TokenEntry } from '../api/auth/tokens.ts';
import { chainSecrets } from '../store/secrets.ts';
import type { Store } from '../store/store.ts';
import { serveApi, type ApiServer } from './api-server.ts';
import type { KubernetesSettings, RunnerKind } from './config.ts';
import type { ImagePullPolicy } from '../flow/model.ts';
import { openBase, type BaseOptions, type PlatformBase } from './platform-base.ts';
import { createDeployEngine } from './deploy-engine-factory.ts';
import { createRunner } from './runner-factory.ts';
import { connectionOptions } from './temporal-config.ts';
import { bundleWorkflows, createCoflowWorker } from './worker.ts';
import { startWorkerLoop, type BuiltWorker, type WorkerLoop } from './worker-loop.ts';
import { serveWorkerEndpoints } from './worker-server.ts';

export interface PlatformOptions extends BaseOptions {
  readonly taskQueue: string;
  readonly apiHost: string;
  /** 0 picks a free port. */
  readonly apiPort: number;
  readonly dockerSocket: string;
  /** Bearer tokens of the API; none turns authentication off. */
  readonly tokens?: readonly TokenEntry[];
  /** COFLOW_SESSION_KEY: signs web session cookies; every API server of a platform needs the same one. */
  readonly sessionKey?: string;
  /** COFLOW_SESSION_TTL: how long a web session lasts (ms); default 8 h. */
  readonly sessionTtlMs?: number;
  /** Reuse an already built workflow bundle (tests build it once). */
  readonly bundle?: WorkflowBundleOption;
  readonly heartbeatEveryMs?: number;
  /** COFLOW_WORKER_CACHED_WORKFLOWS: open runs the worker keeps in memory (worker/cache-config.ts); default DEFAULT_CACHED_WORKFLOWS. */
  readonly cachedWorkflows?: number;
  /** The job runner; when unset, built from `runnerKind` (docker on `dockerSocket` by default). */
  readonly runner?: JobRunner;
  /** COFLOW_RUNNER, used when `runner` is unset. */
  readonly runnerKind?: RunnerKind;
  readonly kubernetes?: KubernetesSettings;
  /** COFLOW_IMAGE_PULL_POLICY: the pull policy of jobs that set none. */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** COFLOW_DEPLOY_HELPER_IMAGE: the image that reads deploy jobs' `file:` manifests. */
  readonly deployHelperImage?: string;
  /** COFLOW_LUA_HTTP_ALLOW: hosts Lua hooks may reach with `http`; none = no HTTP. */
  readonly luaHttpAllow?: readonly string[];
  /** COFLOW_PUBLIC_URL: base URL under which called systems reach the API (service job callbacks); default: the API's own address. */
  readonly publicUrl?: string;
  /** COFLOW_CODEC_CORS_ORIGINS (+ `coflow dev`'s own Temporal UI): origins whose pages may call the codec endpoint. */
  readonly codecCorsOrigins?: readonly string[];
  /** COFLOW_WORKSPACE_RETENTION: how long a run's workspace is kept after the run ends (ms); default 24 h. */
  readonly workspaceRetentionMs?: number;
  /** COFLOW_SMTP_*: the SMTP server that `mail` receivers send through. */
  readonly smtp?: SmtpSettings;
  /** False: no HTTP API in this process (`coflow worker`). Default true. */
  readonly serveApi?: boolean;
  /** False: no worker in this process (`coflow api`). Default true. */
  readonly runWorker?: boolean;
  /** A worker-only process serves /metrics, /healthz and /readyz here (`coflow worker`); 0 picks a port. */
  readonly workerEndpoints?: { readonly host: string; readonly port: number };
  /** Where one-line notices of the process go (a worker replaced after a failure); default stderr. */
  readonly log?: (line: string) => void;
  /** The built web UI the API serves at `/` (worker/web-root.ts); none: `/` says the UI is not built. */
  readonly webRoot?: string;
}

export interface Platform {
  /** Where the API listens; empty when `serveApi` is false. */
  readonly apiUrl: string;
  /** Where a worker-only process serves its probes and metrics; empty otherwise. */
  readonly workerUrl: string;
  readonly store: Store;
  readonly client: Client;
  /** Stops the API, drains the worker, closes connections and the store. */
  stop(): Promise<void>;
}

async function startWorker(base: PlatformBase, options: PlatformOptions, publicUrl: () => string | Promise<string>): Promise<WorkerLoop> {
  const { store, client, metrics, catalog } = base;
  const bundle = options.bundle ?? (await bundleWorkflows());
  const runner =
    options.runner ??
    createRunner({
      dockerSocket: options.dockerSocket,
      runner: options.runnerKind,
      ...(options.kubernetes ? { kubernetes: options.kubernetes } : {}),
      ...(options.imagePullPolicy ? { imagePullPolicy: options.imagePullPolicy } : {}),
    });
  const secrets = chainSecrets(base.fromConfig, base.vault.resolve);
  const deployEngine = createDeployEngine({
    dockerSocket: options.dockerSocket,
    ...(options.runnerKind ? { runner: options.runnerKind } : {}),
    ...(options.kubernetes ? { kubernetes: options.kubernetes } : {}),
    store,
    secrets,
    ...(options.deployHelperImage ? { helperImage: options.deployHelperImage } : {}),
  });
  const build = async (): Promise<BuiltWorker> => {
    const connection = await NativeConnection.connect(connectionOptions(options));
    try {
      const worker = await createCoflowWorker({
        connection,
        namespace: options.namespace,
        taskQueue: options.taskQueue,
        runner,
        store,
        bundle,
        ...(options.heartbeatEveryMs ? { heartbeatEveryMs: options.heartbeatEveryMs } : {}),
        ...(options.cachedWorkflows === undefined ? {} : { cachedWorkflows: options.cachedWorkflows }),
        extraActivities: {
          ...createScheduleActivities({ store, catalog, onRunStarted: () => metrics.runsStarted.inc({ trigger: 'schedule' }) }),
          // Lead time: git log in the run's workspace with the git-clone component's image (the engine's WorkspaceExec), else the trigger's commits.
          ...createLeadTimeActivities({ workspace: deployEngine.workspace, gitImage: catalog.resolve({ namespace: 'coflow', name: 'git-clone', version: '1' })?.image ?? 'coflow/git-clone:1.0.0' }),
          ...createConcurrencyActivities({ temporal: client }),
          ...deployEngine.activities,
          ...createDeployRecordActivities({ store, temporal: client }),
        },
        jobAttemptDuration: metrics.jobAttemptDuration,
        secrets,
        lua: { httpAllow: options.luaHttpAllow ?? [] },
        ...(base.payloadCodec ? { payloadCodec: base.payloadCodec } : {}),
        publicUrl,
        ...(options.workspaceRetentionMs === undefined ? {} : { workspaceRetentionMs: options.workspaceRetentionMs }),
        ...(options.smtp ? { smtp: options.smtp } : {}),
      });
      return { worker, connection };
    } catch (err) {
      await connection.close();
      throw err;
    }
  };
  return startWorkerLoop({ build, log: options.log ?? ((line) => void process.stderr.write(`${line}\n`)) });
}

function startApi(base: PlatformBase, options: PlatformOptions): Promise<ApiServer> {
  const { store, client, catalog, metrics, vault, fromConfig } = base;
  const apiOptions = {
    store, temporal: client, namespace: options.namespace, taskQueue: options.taskQueue, catalog, metrics, resolveSecret: fromConfig, secrets: vault,
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.sessionKey === undefined ? {} : { sessionKey: options.sessionKey }),
    ...(options.sessionTtlMs === undefined ? {} : { sessionTtlMs: options.sessionTtlMs }),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    ...(base.payloadCodec ? { payloadCodec: base.payloadCodec } : {}),
    ...(options.codecCorsOrigins === undefined ? {} : { codecCorsOrigins: options.codecCorsOrigins }),
    ...(options.log ? { log: options.log } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  };
  return serveApi(apiOptions, { host: options.apiHost, port: options.apiPort });
}

/** Starts the roles `options` asks for (worker and API by default). */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const base = await openBase(options);
  const serve = options.serveApi ?? true;
  // The API's own address is known once it listens (port 0 picks one); the worker may start first.
  let resolveOwnUrl: (url: string) => void = () => {};
  const ownUrl = new Promise<string>((resolve) => (resolveOwnUrl = resolve));
  // A worker process: service-job callbacks go to the API servers, reached at the configured address.
  if (!serve) resolveOwnUrl(`http://${options.apiHost}:${options.apiPort}`);
  const worker = (options.runWorker ?? true) ? await startWorker(base, options, () => options.publicUrl ?? ownUrl) : undefined;
  const api = serve ? await startApi(base, options) : undefined;
  if (api) resolveOwnUrl(api.url);
  const endpoints = worker && !serve && options.workerEndpoints
    ? await serveWorkerEndpoints({ store: base.store, temporal: base.client, namespace: options.namespace, registry: base.metrics.registry, workerState: () => worker.state() }, options.workerEndpoints)
    : undefined;
  return {
    apiUrl: api?.url ?? '',
    workerUrl: endpoints?.url ?? '',
    store: base.store,
    client: base.client,
    async stop() {
      await api?.close();
      await worker?.stop();
      await endpoints?.close();
      await base.close();
    },
  };
}
