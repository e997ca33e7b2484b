/**
 * Assembles a Temporal worker for coflow runs from its dependencies.
 */
import { fileURLToPath } from 'node:url';
import { Worker, bundleWorkflowCode, type NativeConnection, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createJobActivities } from '../activities/run-job.ts';
import { createHookActivities } from '../activities/hooks.ts';
import { createServiceActivities } from '../activities/service.ts';
import { createWorkspaceActivities } from '../activities/workspace.ts';
import { DEFAULT_WORKSPACE_RETENTION_MS } from '../contracts/workspace.ts';
import { createNotifyActivities } from '../activities/notify.ts';
import { createForgeReportActivities } from '../activities/forge/report.ts';
import type { SmtpSettings } from '../activities/notify-mail.ts';
import type { LuaRunOptions } from '../activities/lua/run-hook.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import type { PayloadCodec } from '@temporalio/common';
import type { JobRunner } from '../activities/runner.ts';
import type { CallbackStore, LogStore } from '../store/store.ts';
import type { Histogram } from 'prom-client';
import { jobMetricsInterceptor } from './job-metrics.ts';
import { shutdownHandoverInterceptor } from './shutdown-handover.ts';
import { DEFAULT_CACHED_WORKFLOWS } from './cache-config.ts';

/** The workflow bundle's entry point. */
const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Bundles the workflow code once (webpack); pass the result to every worker of a process. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
}

export interface CoflowWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly runner: JobRunner;
  /** Where job logs and service-job callback tokens are kept (the API reads the same store). */
  readonly store: LogStore & CallbackStore;
  readonly bundle: WorkflowBundleOption;
  /** Heartbeat interval of live job attempts (ms). */
  readonly heartbeatEveryMs?: number;
  /** Open runs kept in memory between their workflow tasks (0: none); default DEFAULT_CACHED_WORKFLOWS. */
  readonly cachedWorkflows?: number;
  /** More activities on the same task queue (the scheduled-run activity). */
  readonly extraActivities?: object;
  /** Job attempt durations are observed here. */
  readonly jobAttemptDuration?: Histogram<'result'>;
  /** Resolves `${{ secrets.NAME }}` in job activities. */
  readonly secrets?: SecretResolver;
  /** Lua hook limits and HTTP allow-list. */
  readonly lua?: Omit<LuaRunOptions, 'onLog'>;
  /** How long a run's workspace is kept after the run ends (ms); default 24 h. */
  readonly workspaceRetentionMs?: number;
  /** Encrypts every payload (see codec.ts); clients must use the same. */
  readonly payloadCodec?: PayloadCodec;
  /** COFLOW_PUBLIC_URL: base URL under which called systems reach the API; without it service jobs cannot wait for callbacks. */
  readonly publicUrl?: () => string | Promise<string>;
  /** COFLOW_SMTP_*: the SMTP server of `mail` receivers; without it their deliveries fail, saying so. */
  readonly smtp?: SmtpSettings;
}

/** Creates (does not start) a worker that runs flows and their jobs. */
export function createCoflowWorker(options: CoflowWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, runner, store: logs, bundle, heartbeatEveryMs } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: bundle,
    activities: {
      ...createJobActivities({ runner, logs, ...(heartbeatEveryMs ? { heartbeatEveryMs } : {}), ...(options.secrets ? { secrets: options.secrets } : {}), ...(options.lua ? { lua: options.lua } : {}) }),
      ...createHookActivities({ logs, ...(options.lua ? { lua: options.lua } : {}) }),
      ...createServiceActivities({ logs, ...(options.secrets ? { secrets: options.secrets } : {}), callbacks: options.store, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) }),
      ...createWorkspaceActivities({ runner, retentionMs: options.workspaceRetentionMs ?? DEFAULT_WORKSPACE_RETENTION_MS }),
      ...createNotifyActivities({ ...(options.secrets ? { secrets: options.secrets } : {}), ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}), ...(options.smtp ? { smtp: options.smtp } : {}) }),
      ...createForgeReportActivities({ ...(options.secrets ? { secrets: options.secrets } : {}) }),
      ...options.extraActivities,
    },
    ...(options.payloadCodec ? { dataConverter: { payloadCodecs: [options.payloadCodec] } } : {}),
    interceptors: { activity: [...(options.jobAttemptDuration ? [jobMetricsInterceptor(options.jobAttemptDuration)] : []), shutdownHandoverInterceptor] },
    // The SDK's default grows with the heap limit (~2,400 runs with 24 GiB): thousands of runs waiting at gates would keep the RSS past 1 GiB.
    maxCachedWorkflows: options.cachedWorkflows ?? DEFAULT_CACHED_WORKFLOWS,
    // Jobs are containers: the bottleneck is the runner, not the worker's CPU.
    maxConcurrentActivityTaskExecutions: 50,
    // Cancellation reaches an activity only in a heartbeat's response; without
    // this cap heartbeats are throttled to 80% of the heartbeat timeout and a
    // cancel or fail-fast would wait that long to stop a container.
    maxHeartbeatThrottleInterval: '1s',
  });
}
