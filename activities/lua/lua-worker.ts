/**
 * Entry point of the worker thread that runs one Lua hook (see run-hook.ts).
 * Before fengari loads, its string constructor is wrapped so that every Lua
 * string the script creates is size-checked and the thread's off-heap memory
 * (where fengari keeps string bytes) is watched: the thread's heap limit does
 * not cover ArrayBuffers.
 */
import { createRequire } from 'node:module';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type * as Fengari from 'fengari';
import type { LuaState } from 'fengari';
import type { Trip } from './budget.ts';
import type { LuaHttpRequest, LuaHttpResponse, SandboxHost } from './host-api.ts';
import type { LuaData } from './lua-data.ts';
import { createSandbox, type SandboxOutcome } from './sandbox.ts';

/** What the host sends: the hook and its limits. */
export interface LuaWorkerData {
  readonly source: string;
  readonly globals: Record<string, LuaData>;
  readonly read: readonly string[];
  readonly instructions: number;
  readonly maxStringBytes: number;
  readonly maxExternalBytes: number;
  readonly httpAllowed: boolean;
  /** [0] state (0 idle, 1 answered), [1] answer length; the answer's bytes follow at offset 8. */
  readonly httpChannel: SharedArrayBuffer;
}

/** Messages the thread posts. */
export type LuaWorkerMessage =
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'http'; readonly request: LuaHttpRequest }
  | { readonly type: 'done'; readonly outcome: SandboxOutcome };

const data = workerData as LuaWorkerData;
const port = parentPort;
if (port === null) throw new Error('lua-worker.ts must run in a worker thread');

type Bless = (L: LuaState, str: Uint8Array) => unknown;
const require = createRequire(import.meta.url);
const lstring = require('fengari/src/lstring.js') as { luaS_bless: Bless; luaS_new: Bless; luaS_newliteral: (L: LuaState, s: string) => unknown };

let armed = false;
let trip: Trip | undefined;
let sinceCheck = 0;
const baseline = getHeapStatistics().external_memory;
const CHECK_EVERY = 1 << 20;

function guard(L: LuaState, length: number): void {
  if (!armed || trip === undefined) return;
  if (length > data.maxStringBytes) trip(L, `string of ${length} bytes exceeds the limit of ${data.maxStringBytes} bytes`);
  sinceCheck += length;
  if (sinceCheck < CHECK_EVERY) return;
  sinceCheck = 0;
  const used = getHeapStatistics().external_memory - baseline;
  if (used > data.maxExternalBytes) trip(L, `memory limit exceeded (${Math.round(used / 2 ** 20)} MiB of strings)`);
}

// Modules destructure these at load time: wrap them before fengari loads.
// Plain functions, not arrows: fengari calls `new luaS_new(…)`.
const { luaS_bless, luaS_new } = lstring;
lstring.luaS_bless = function (L, str) {
  guard(L, str.length);
  return luaS_bless(L, str);
};
lstring.luaS_new = function (L, str) {
  guard(L, str.length);
  return luaS_new(L, str);
};
const fengari = require('fengari') as typeof Fengari;

function httpCall(request: LuaHttpRequest): LuaHttpResponse {
  const control = new Int32Array(data.httpChannel, 0, 2);
  Atomics.store(control, 0, 0);
  const message: LuaWorkerMessage = { type: 'http', request };
  port!.postMessage(message);
  Atomics.wait(control, 0, 0);
  const length = Atomics.load(control, 1);
  const text = new TextDecoder().decode(new Uint8Array(data.httpChannel, 8, length).slice());
  const answer = JSON.parse(text) as { error?: string; status?: number; headers?: Record<string, string>; body?: string };
  if (answer.error !== undefined) throw new Error(answer.error);
  return { status: answer.status ?? 0, headers: answer.headers ?? {}, body: answer.body ?? '' };
}

const host: SandboxHost = {
  log: (line) => port.postMessage({ type: 'log', line } satisfies LuaWorkerMessage),
  ...(data.httpAllowed ? { http: httpCall } : {}),
};

const outcome = createSandbox(fengari).run(
  data.source,
  data.globals,
  data.read,
  host,
  { instructions: data.instructions, maxStringBytes: data.maxStringBytes },
  (on, t) => {
    armed = on;
    trip = t;
  },
);
port.postMessage({ type: 'done', outcome } satisfies LuaWorkerMessage);
