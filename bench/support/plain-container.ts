/**
 * The baselines of the logs benchmark: the same image and command run as a
 * plain container (`docker run -d`), its log read back by `docker logs`
 * (json-file driver) or followed by `docker logs -f --timestamps`. Containers
 * carry the label coflow-bench=logs so a teardown finds the ones left behind.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const BENCH_LABEL = 'coflow-bench=logs';

/** Removes the bench's containers that are left (a failed or interrupted run). */
export function removeBenchContainers(): void {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${BENCH_LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

async function start(image: string, script: string): Promise<string> {
  const { stdout } = await run('docker', ['run', '-d', '--label', BENCH_LABEL, '--entrypoint', '/bin/sh', image, '-c', script]);
  return stdout.trim();
}

export interface PlainRate {
  /** `docker run -d` → `docker wait` returned: the container printing every line into its json-file log. */
  readonly runMs: number;
  /** `docker logs` reading them all back. */
  readonly readMs: number;
  readonly lines: readonly string[];
}

export async function plainRate(image: string, script: string): Promise<PlainRate> {
  const started = performance.now();
  const id = await start(image, script);
  try {
    await run('docker', ['wait', id]);
    const runMs = performance.now() - started;
    const read = performance.now();
    const { stdout } = await run('docker', ['logs', id], { maxBuffer: 1 << 30 });
    const readMs = performance.now() - read;
    return { runMs, readMs, lines: stdout.split('\n').slice(0, -1) };
  } finally {
    await run('docker', ['rm', '-f', id]);
  }
}

export interface Arrival {
  readonly text: string;
  /** When the line reached the follower minus when Docker received it (ms). */
  readonly latencyMs: number;
}

/** Docker's RFC 3339 timestamp with nanoseconds, as ms since the epoch (sub-ms kept). */
export function dockerTime(stamp: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(stamp);
  if (!m) throw new Error(`not a Docker timestamp: ${stamp}`);
  return Date.parse(`${m[1]}Z`) + Number(`0.${m[2] ?? '0'}`) * 1000;
}

/** Wall clock in ms with sub-ms precision, comparable with Docker's timestamps. */
export const now = (): number => performance.timeOrigin + performance.now();

/** A plain container followed by `docker logs -f --timestamps` from its start: each line's latency. */
export async function plainFollow(image: string, script: string): Promise<Arrival[]> {
  const id = await start(image, script);
  try {
    const follower = spawn('docker', ['logs', '-f', '--timestamps', id], { stdio: ['ignore', 'pipe', 'inherit'] });
    const arrivals: Arrival[] = [];
    for await (const line of createInterface({ input: follower.stdout })) {
      const at = now();
      const space = line.indexOf(' ');
      arrivals.push({ text: line.slice(space + 1), latencyMs: at - dockerTime(line.slice(0, space)) });
    }
    return arrivals;
  } finally {
    await run('docker', ['rm', '-f', id]);
  }
}
