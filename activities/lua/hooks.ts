/**
 * The `pre` and `post` hooks of a job (SPEC §2). `pre` sees `inputs` and may
 * rewrite them; `post` sees `inputs` and `outputs` and may rewrite `outputs`
 * or fail the job with error(). Both see `job` ({ path, name }) and `run`
 * ({ id }), and the host API `json`, `log`, `http` (when allowed).
 */
import type { LuaData } from './lua-data.ts';
import { runLua, type LuaRunOptions } from './run-hook.ts';
import type { LuaFailure } from './sandbox.ts';

export interface HookContext {
  readonly runId: string;
  readonly jobPath: string;
  readonly jobName: string;
}

export type HookOutcome = { readonly ok: true; readonly values: Record<string, string> } | LuaFailure;

function context(ctx: HookContext): Record<string, LuaData> {
  return { job: { path: ctx.jobPath, name: ctx.jobName }, run: { id: ctx.runId } };
}

/** A table of scalars back to string values; anything else is the script's mistake. */
function toStrings(name: string, value: LuaData): Record<string, string> | string {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return `${name} must be a table of strings, got ${Array.isArray(value) ? 'a list' : typeof value}`;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else return `${name}.${key} must be a string, number or boolean, got ${v === null ? 'nil' : Array.isArray(v) ? 'a list' : 'a table'}`;
  }
  return out;
}

async function runHook(kind: 'pre' | 'post', source: string, globals: Record<string, LuaData>, result: string, options: LuaRunOptions): Promise<HookOutcome> {
  const outcome = await runLua(source, globals, [result], options);
  if (!outcome.ok) return { ok: false, kind: outcome.kind, message: `${kind} hook: ${outcome.message}` };
  const values = toStrings(result, outcome.globals[result] ?? null);
  return typeof values === 'string' ? { ok: false, kind: 'runtime', message: `${kind} hook: ${values}` } : { ok: true, values };
}

/** Runs a `pre` hook: returns the (possibly rewritten) inputs. */
export function runPreHook(source: string, inputs: Readonly<Record<string, string>>, ctx: HookContext, options: LuaRunOptions = {}): Promise<HookOutcome> {
  return runHook('pre', source, { ...context(ctx), inputs: { ...inputs } }, 'inputs', options);
}

/** Runs a `post` hook: returns the (possibly rewritten) outputs; error() in the script fails the job. */
export function runPostHook(
  source: string,
  inputs: Readonly<Record<string, string>>,
  outputs: Readonly<Record<string, string>>,
  ctx: HookContext,
  options: LuaRunOptions = {},
): Promise<HookOutcome> {
  return runHook('post', source, { ...context(ctx), inputs: { ...inputs }, outputs: { ...outputs } }, 'outputs', options);
}
