/**
 * The Temporal SDK's runtime: its log lines, one per entry and without stack
 * traces (a job's failure is told in full on the job; the SDK's "Activity
 * failed" would otherwise print the stack of every failed attempt), and the
 * level of the SDK core's own (Rust) log.
 */
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

/** Meta fields that tell a reader nothing (opaque tokens, the SDK's own component names). */
const NOISE = new Set(['taskToken', 'sdkComponent', 'workflowRunId', 'namespace']);

function renderValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message.split('\n')[0]!}`;
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** `2026-12-01T22:20:04.420Z [WARN] Activity failed activityType=runJobAttempt … error=WorkerDetachedError: …` */
export function formatSdkLogEntry(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const fields = Object.entries(entry.meta ?? {})
    .filter(([key, value]) => !NOISE.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${renderValue(value)}`);
  return [time, `[${entry.level}]`, entry.message, ...fields].join(' ');
}

let installed = false;

/**
 * Installs the runtime once per process. `coreLevel`: the least level of the
 * core's log (`ERROR` in `coflow dev`, whose supervisor tells of a Temporal
 * restart in one line, where the core would warn of every retried call). The
 * embedding process owns its signals and stops the worker itself.
 */
export function installRuntime(coreLevel: 'WARN' | 'ERROR' = 'WARN'): void {
  if (installed) return;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => process.stderr.write(`${formatSdkLogEntry(entry)}\n`)),
    telemetryOptions: { logging: { filter: { core: coreLevel, other: 'ERROR' } } },
    shutdownSignals: [],
  });
  installed = true;
}
