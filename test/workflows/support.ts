/**
 * One worker per workflows-tier test file: the real workflow bundle and job
 * activities, the real SQLite store, a scripted runner instead of containers,
 * a fresh task queue on the tier's Temporal dev server. Runs are started
 * directly with a RunInput, as the run preparation would start them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createConcurrencyActivities } from '../../activities/concurrency.ts';
import { createDeployRecordActivities } from '../../activities/deploy-records.ts';
import type { RunInput } from '../../contracts/run-input.ts';
import { isFinal, jobsOf, type JobStatus, type RunStatus } from '../../contracts/run-status.ts';
import { statusQuery } from '../../contracts/signals.ts';
import { RUN_WORKFLOW, type RunWorkflow } from '../../contracts/workflows.ts';
import { parseFlow } from '../../flow/index.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { createCoflowWorker, type CoflowWorkerOptions } from '../../worker/worker.ts';
import { repoRoot } from '../support/paths.ts';
import { ScriptedRunner, type JobScript } from './scripted-runner.ts';

export interface WorkflowHarness {
  readonly env: TestWorkflowEnvironment;
  readonly runner: ScriptedRunner;
  readonly store: Store;
  readonly taskQueue: string;
  /** A RunInput for the flow (its uri made unique to this harness), run number 1 unless `extra` says otherwise. */
  input(yaml: string, extra?: Partial<RunInput>): RunInput;
  /** Scripts the run's jobs and starts it. */
  start(input: RunInput, scripts?: Readonly<Record<string, JobScript>>): Promise<WorkflowHandle<RunWorkflow>>;
  /** Starts a run and waits for its final status. */
  run(input: RunInput, scripts?: Readonly<Record<string, JobScript>>): Promise<RunStatus>;
  /** Shuts the worker down (running attempts are detached, as on a deploy) and starts a new one on the same queue. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** The SDK's INFO chatter (worker state changes) drowns test output; once per process. */
function quietRuntime(): void {
  if (!runtimeInstalled) Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  runtimeInstalled = true;
}

/**
 * Replays a finished run's history on the workflow bundle: every path the
 * tier drives stays deterministic. With COFLOW_RECORD_HISTORIES set, the
 * history is also written to test/histories/ (`workflows-<flow>.json`), where
 * the replay test keeps checking that later code can still run it.
 */
async function replayRun(env: TestWorkflowEnvironment, run: RunInput, flowName: string): Promise<void> {
  const history = await env.client.workflow.getHandle(run.runId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, run.runId);
  if (!process.env.COFLOW_RECORD_HISTORIES) return;
  // The CLI's JSON is the format Temporal's tools exchange (see test/replay.test.ts).
  const json = execFileSync(inject('temporalBin'), ['workflow', 'show', '--workflow-id', run.runId, '--output', 'json', '--address', inject('temporalAddress')]);
  writeFileSync(join(repoRoot, 'test/histories', `workflows-${flowName}-${run.number}.json`), json);
}

/** What a test may give the worker besides the scripted runner: secrets, the public URL, an SMTP server. */
export type ExtraWorkerOptions = Partial<Pick<CoflowWorkerOptions, 'secrets' | 'publicUrl' | 'smtp' | 'extraActivities'>>;

/** Starts a worker on a fresh task queue with its own store; `name` labels the queue and the flows. */
export async function startWorkflowHarness(name: string, extra: ExtraWorkerOptions = {}): Promise<WorkflowHarness> {
  quietRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'coflow-workflows-'));
  const unique = `${name}-${process.pid}-${Date.now().toString(36)}`;
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
  const store = await openStore({ kind: 'sqlite', file: join(dir, 'coflow.db') });
  const runner = new ScriptedRunner();
  const taskQueue = `workflows-${unique}`;
  const newWorker = () =>
    createCoflowWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      runner,
      store,
      bundle: { codePath: inject('workflowBundlePath') },
      // Flows with `concurrency` need it; schedules start runs from outside and are not exercised here.
      ...extra,
      // Deployment records: the store's; a test may add the engine's activities (or stand-ins for a part not built yet).
      extraActivities: { ...createConcurrencyActivities({ temporal: env.client, pollMs: 200 }), ...createDeployRecordActivities({ store, temporal: env.client, pollMs: 200 }), ...extra.extraActivities },
    });
  let worker = await newWorker();
  let running = worker.run();
  const stopWorker = async (): Promise<void> => {
    worker.shutdown();
    await running;
  };

  const input = (yaml: string, extra: Partial<RunInput> = {}): RunInput => {
    const parsed = parseFlow(yaml);
    const flow = { ...parsed, uri: `${parsed.uri}-${unique}` };
    const number = extra.number ?? 1;
    return { runId: `${flow.uri}#${number}`, number, flowVersion: 1, flow, ...extra };
  };
  /** Runs started here, replayed once they ended (at the latest when the harness stops). */
  const started = new Map<string, RunInput>();
  const flowName = (run: RunInput): string => run.flow.uri.slice(0, -unique.length - 1).replaceAll('/', '-');
  const replayEnded = async (): Promise<void> => {
    for (const run of started.values()) {
      const { status } = await env.client.workflow.getHandle(run.runId).describe();
      if (status.name === 'RUNNING') continue;
      await replayRun(env, run, flowName(run));
      started.delete(run.runId);
    }
  };
  const start = async (run: RunInput, scripts: Readonly<Record<string, JobScript>> = {}) => {
    started.set(run.runId, run);
    runner.script(run.runId, scripts);
    return env.client.workflow.start<RunWorkflow>(RUN_WORKFLOW, { taskQueue, workflowId: run.runId, args: [run] });
  };
  return {
    env,
    runner,
    store,
    taskQueue,
    input,
    start,
    async run(run, scripts) {
      const status = await (await start(run, scripts)).result();
      await replayEnded();
      return status;
    },
    async restartWorker() {
      await stopWorker();
      worker = await newWorker();
      running = worker.run();
    },
    async stop() {
      await replayEnded();
      await stopWorker();
      await env.teardown();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The live status tree of a run. */
export function statusOf(handle: WorkflowHandle): Promise<RunStatus> {
  return handle.query(statusQuery);
}

/** Polls the run's status until `test` holds; fails naming `what` after `timeoutMs`. */
export async function until(handle: WorkflowHandle, what: string, test: (s: RunStatus) => boolean, timeoutMs = 20_000): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await statusOf(handle);
    if (test(s)) return s;
    if (Date.now() > deadline) throw new Error(`run ${handle.workflowId}: still not ${what} after ${timeoutMs} ms: ${JSON.stringify(s.stages.map((x) => [x.name, x.state]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True once the run ended. */
export const ended = (s: RunStatus): boolean => isFinal(s.state);

/** A job of the tree by its path. */
export function job(status: RunStatus, path: string): JobStatus {
  const found = jobsOf(status).find((j) => j.path === path);
  if (!found) throw new Error(`no job ${path} in run ${status.runId}`);
  return found;
}

/** The state of every job, by path: the shape of a run at a glance. */
export function jobStates(status: RunStatus): Record<string, string> {
  return Object.fromEntries(jobsOf(status).map((j) => [j.path, j.state]));
}

/** Milliseconds between two ISO 8601 instants of the tree. */
export function msBetween(from: string | undefined, to: string | undefined): number {
  if (from === undefined || to === undefined) throw new Error(`missing instant: ${String(from)} → ${String(to)}`);
  return Date.parse(to) - Date.parse(from);
}
