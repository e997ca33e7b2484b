/**
 * The Lua sandbox itself (fengari, Lua 5.3). Runs inside a worker thread
 * (lua-worker.ts), never in the worker process's main thread: the thread's
 * memory limit and the host's wall clock stop what the VM's own guards cannot.
 *
 * Guards, each in its own file: only safe libraries and text chunks
 * (safe-state.ts); an instruction budget that `pcall` cannot swallow
 * (budget.ts) and `xpcall` handlers cannot outrun (handler-guard.ts); size-checked string amplifiers (string-guards.ts); every value
 * crosses as plain data, never a JS object (lua-data.ts, host-api.ts).
 *
 * fengari is passed in, never value-imported here: lua-worker.ts must wrap its
 * string constructor before fengari loads.
 */
import type * as Fengari from 'fengari';
import { callWithBudget, LIMIT_MARK, type SetArmed } from './budget.ts';
import { installHandlerGuard } from './handler-guard.ts';
import { installHostApi, type SandboxHost } from './host-api.ts';
import { createDataBridge, type LuaData } from './lua-data.ts';
import { loadText, newSafeState } from './safe-state.ts';
import { installStringGuards } from './string-guards.ts';

export interface SandboxLimits {
  /** VM instructions before the script is stopped. */
  readonly instructions: number;
  /** Largest string the script may build (bytes). */
  readonly maxStringBytes: number;
}

/** Why a script failed: it does not compile, it raised an error, or a limit stopped it. */
export type LuaFailure = { readonly ok: false; readonly kind: 'syntax' | 'runtime' | 'limit'; readonly message: string };

export type SandboxOutcome = { readonly ok: true; readonly globals: Record<string, LuaData> } | LuaFailure;

/** A sandbox factory bound to one fengari instance. */
export function createSandbox(fengari: typeof Fengari) {
  const { lua, to_luastring: S } = fengari;
  const data = createDataBridge(fengari);

  /**
   * Runs `source` with `globals` set (as plain data) and returns the globals
   * named in `read` afterwards. `setArmed(true, trip)` is called just before
   * user code runs, so the string allocation guard of lua-worker.ts can stop
   * the VM with `trip` the way the instruction budget does.
   */
  function run(
    source: string,
    globals: Record<string, LuaData>,
    read: readonly string[],
    host: SandboxHost,
    limits: SandboxLimits,
    setArmed: SetArmed,
  ): SandboxOutcome {
    const L = newSafeState(fengari);
    installHostApi(fengari, L, host, limits.maxStringBytes, data);
    for (const [name, value] of Object.entries(globals)) {
      data.push(L, value);
      lua.lua_setglobal(L, S(name));
    }
    // Trusted guards first (not counted), then the user's chunk.
    installStringGuards(fengari, L, limits.maxStringBytes);
    installHandlerGuard(fengari, L);
    if (!loadText(fengari, L, source, '=hook')) return { ok: false, kind: 'syntax', message: lua.lua_tojsstring(L, -1) };

    const { status, limitMessage } = callWithBudget(fengari, L, limits.instructions, setArmed);
    if (status !== lua.LUA_OK || limitMessage !== undefined) {
      const raw = lua.lua_type(L, -1) === lua.LUA_TSTRING ? lua.lua_tojsstring(L, -1) : 'error object is not a string';
      if (limitMessage !== undefined) return { ok: false, kind: 'limit', message: limitMessage };
      if (raw.includes(LIMIT_MARK)) return { ok: false, kind: 'limit', message: raw.replace(LIMIT_MARK, '') };
      return { ok: false, kind: 'runtime', message: raw };
    }
    const out: Record<string, LuaData> = {};
    for (const name of read) {
      lua.lua_getglobal(L, S(name));
      try {
        out[name] = data.read(L, -1);
      } catch (err) {
        return { ok: false, kind: 'runtime', message: `${name}: ${(err as Error).message}` };
      }
      lua.lua_pop(L, 1);
    }
    return { ok: true, globals: out };
  }

  return { run };
}
