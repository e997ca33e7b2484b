/**
 * Assembles a Temporal worker for coflow runs from its dependencies.
 */
import { fileURLToPath } from 'node:url';
import { Worker, bundleWorkflowCode, type NativeConnection, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createJobActivities } from '../activities/run-job.ts';
import type { JobRunner } from '../activities/runner.ts';
import type { LogStore } from '../store/types.ts';

/** The workflow bundle's entry point. */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Bundles the workflow code once (webpack); pass the result to every worker of a process. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
}

export interface CoflowWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly runner: JobRunner;
  readonly logs: LogStore;
  readonly bundle: WorkflowBundleOption;
  /** Heartbeat interval of live job attempts (ms). */
  readonly heartbeatEveryMs?: number;
}

/** Creates (does not start) a worker that runs flows and their jobs. */
export function createCoflowWorker(options: CoflowWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, runner, logs, bundle, heartbeatEveryMs } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: bundle,
    activities: createJobActivities({ runner, logs, ...(heartbeatEveryMs ? { heartbeatEveryMs } : {}) }),
    // Jobs are containers: the bottleneck is the runner, not the worker's CPU.
    maxConcurrentActivityTaskExecutions: 50,
    // Cancellation reaches an activity only in a heartbeat's response; without
    // this cap heartbeats are throttled to 80% of the heartbeat timeout and a
    // cancel or fail-fast would wait that long to stop a container.
    maxHeartbeatThrottleInterval: '1s',
  });
}
