/**
 * A platform (worker + API) for one integration test file, on the shared
 * Temporal dev server, and helpers to drive it through the HTTP API as a user would.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { ApiClient } from '../../cli/api-client.ts';
import type { SmtpSettings } from '../../activities/notify-mail.ts';
import { startPlatform, type Platform } from '../../worker/platform.ts';
import { isFinal, jobsOf, type RunStatus } from '../../contracts/run-status.ts';
import type { JobRunner } from '../../activities/runner.ts';
import type { TokenEntry } from '../../api/auth/tokens.ts';
import type { KubernetesSettings, RunnerKind } from '../../worker/config.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface Harness {
  readonly platform: Platform;
  readonly api: ApiClient;
  readonly taskQueue: string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** The job runner; the docker runner when unset. */
  readonly runner?: JobRunner;
  /** Build the runner (and the deploy engine's cluster access) from these settings, as `coflow server` does. */
  readonly runnerKind?: RunnerKind;
  readonly kubernetes?: KubernetesSettings;
  /** Join an existing task queue (a second worker) instead of a fresh one. */
  readonly taskQueue?: string;
  /** Use (and keep) an existing data directory instead of a fresh one. */
  readonly dataDir?: string;
  /** API bearer tokens (authentication is off without). */
  readonly tokens?: readonly TokenEntry[];
  /** Webhook secrets by name. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** How long run workspaces are kept after their run (ms); the platform's 24 h when unset. */
  readonly workspaceRetentionMs?: number;
  /** The SMTP server of `mail` receivers; none when unset. */
  readonly smtp?: SmtpSettings;
}

/** Starts a worker and the API on their own task queue and data directory. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'coflow-data-'));
  const taskQueue = options.taskQueue ?? `coflow-test-${process.pid}-${Date.now()}`;
  const platform = await startPlatform({
    dataDir,
    temporalAddress: inject('temporalAddress'),
    namespace: 'default',
    taskQueue,
    apiHost: '127.0.0.1',
    apiPort: 0,
    dockerSocket: '/var/run/docker.sock',
    componentsDir: join(repoRoot, 'components'),
    bundle: { codePath: inject('workflowBundlePath') },
    heartbeatEveryMs: 1_000,
    webRoot: inject('webRoot'),
    // One signing key per test platform (two platforms of a test that share it would share sessions).
    sessionKey: `test-session-key-${taskQueue}`,
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.runnerKind ? { runnerKind: options.runnerKind } : {}),
    ...(options.kubernetes ? { kubernetes: options.kubernetes } : {}),
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.workspaceRetentionMs === undefined ? {} : { workspaceRetentionMs: options.workspaceRetentionMs }),
    ...(options.smtp ? { smtp: options.smtp } : {}),
    ...(options.secrets ? { resolveSecret: (name: string) => Promise.resolve(options.secrets?.[name]) } : {}),
  });
  return {
    platform,
    api: new ApiClient(platform.apiUrl),
    taskQueue,
    async stop() {
      await platform.stop();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a run until it ends. */
export async function waitForRun(api: ApiClient, runId: string, timeoutMs = 120_000): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await api.runStatus(runId);
    if (isFinal(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${status.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Applies a flow, starts a run, waits for its end. */
export async function applyAndRun(api: ApiClient, yaml: string): Promise<RunStatus> {
  const flow = await api.applyFlow(yaml);
  const run = await api.startRun(flow.uri);
  return waitForRun(api, run.runId);
}

/** Finds a job in the tree by its path. */
export function job(run: RunStatus, path: string) {
  const found = jobsOf(run).find((j) => j.path === path);
  if (!found) throw new Error(`no job ${path} in run ${run.runId}`);
  return found;
}

/** Containers (any state) that belong to a run, by label. */
export function containersOfRun(runId: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '--filter', `label=coflow.run=${runId}`, '--format', '{{.Names}}'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

/** All log lines of a run (or one job), paging through the API. */
export async function allLogs(api: ApiClient, runId: string, jobPath?: string) {
  const lines = [];
  let after = 0;
  for (;;) {
    const page = await api.logs(runId, { ...(jobPath ? { job: jobPath } : {}), after });
    if (page.lines.length === 0) return lines;
    lines.push(...page.lines);
    after = page.next;
  }
}
