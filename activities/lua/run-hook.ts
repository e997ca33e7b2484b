/**
 * Runs a Lua hook (`pre`, `post`) in its own worker thread with a heap limit,
 * an off-heap string budget, an instruction budget and a wall clock: whatever
 * the script does, the thread is terminated and the caller gets a clear error;
 * the worker process is never at risk. HTTP goes through the host, only to
 * hosts the operator allows.
 */
import { Worker } from 'node:worker_threads';
import type { LuaHttpRequest } from './host-api.ts';
import type { LuaData } from './lua-data.ts';
import type { LuaWorkerData, LuaWorkerMessage } from './lua-worker.ts';
import type { SandboxOutcome } from './sandbox.ts';

export interface LuaLimits {
  /** VM instructions (fengari runs about 40M/s). */
  readonly instructions: number;
  /** Wall clock for the whole hook, HTTP calls included. */
  readonly wallClockMs: number;
  /** Heap of the hook's thread (MiB). */
  readonly heapMb: number;
  /** Largest single string (bytes). */
  readonly maxStringBytes: number;
  /** Off-heap memory the script's strings may hold (bytes). */
  readonly maxExternalBytes: number;
}

const DEFAULT_LUA_LIMITS: LuaLimits = {
  instructions: 20_000_000,
  wallClockMs: 10_000,
  heapMb: 64,
  maxStringBytes: 4 << 20,
  maxExternalBytes: 64 << 20,
};

export interface LuaRunOptions {
  readonly limits?: Partial<LuaLimits>;
  /** Host patterns `http` may reach (`api.example.com`, `*.example.com`, `host:port`); empty = no HTTP. */
  readonly httpAllow?: readonly string[];
  /** Each `log(...)` line, as the script writes it. */
  readonly onLog?: (line: string) => void;
}

/** The globals the script left, or why it failed. */
export type LuaOutcome = SandboxOutcome;

const HTTP_CHANNEL_BYTES = 1 << 20;
const workerUrl = new URL('./lua-worker.ts', import.meta.url);

/** True when `url`'s host matches one of the operator's patterns. */
export function httpAllowed(url: string, allow: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  return allow.some((pattern) => {
    const p = pattern.trim().toLowerCase();
    if (p === '') return false;
    const target = p.includes(':') ? u.host.toLowerCase() : u.hostname.toLowerCase();
    if (p.startsWith('*.')) return target.endsWith(p.slice(1));
    return target === p;
  });
}

/**
 * Runs `source` with `globals` (plain data) and returns the globals named in
 * `read` after it ran, or why it failed.
 */
export function runLua(source: string, globals: Record<string, LuaData>, read: readonly string[], options: LuaRunOptions = {}): Promise<LuaOutcome> {
  const limits = { ...DEFAULT_LUA_LIMITS, ...options.limits };
  const allow = options.httpAllow ?? [];
  const httpChannel = new SharedArrayBuffer(8 + HTTP_CHANNEL_BYTES);
  const workerData: LuaWorkerData = {
    source,
    globals,
    read,
    instructions: limits.instructions,
    maxStringBytes: limits.maxStringBytes,
    maxExternalBytes: limits.maxExternalBytes,
    httpAllowed: allow.length > 0,
    httpChannel,
  };
  const worker = new Worker(workerUrl, {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
  });

  return new Promise<LuaOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: LuaOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => settle({ ok: false, kind: 'limit', message: `time limit exceeded (${limits.wallClockMs} ms)` }),
      limits.wallClockMs,
    );
    const answer = (reply: object): void => {
      const control = new Int32Array(httpChannel, 0, 2);
      let bytes = new TextEncoder().encode(JSON.stringify(reply));
      if (bytes.length > HTTP_CHANNEL_BYTES) bytes = new TextEncoder().encode(JSON.stringify({ error: `response larger than ${HTTP_CHANNEL_BYTES} bytes` }));
      new Uint8Array(httpChannel, 8, bytes.length).set(bytes);
      Atomics.store(control, 1, bytes.length);
      Atomics.store(control, 0, 1);
      Atomics.notify(control, 0);
    };
    const fetchFor = async (request: LuaHttpRequest): Promise<void> => {
      if (!httpAllowed(request.url, allow)) {
        answer({ error: `${request.url}: host not allowed (COFLOW_LUA_HTTP_ALLOW)` });
        return;
      }
      try {
        const res = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          redirect: 'manual',
          signal: AbortSignal.timeout(limits.wallClockMs),
        });
        answer({ status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() });
      } catch (err) {
        answer({ error: (err as Error).message });
      }
    };
    worker.on('message', (message: LuaWorkerMessage) => {
      if (message.type === 'log') options.onLog?.(message.line);
      else if (message.type === 'http') void fetchFor(message.request);
      else settle(message.outcome);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const message = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `memory limit exceeded (${limits.heapMb} MiB heap)` : `Lua hook crashed: ${err.message}`;
      settle({ ok: false, kind: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'limit' : 'runtime', message });
    });
    worker.on('exit', (code) => settle({ ok: false, kind: 'runtime', message: `Lua hook thread exited (code ${code}) without a result` }));
  });
}
