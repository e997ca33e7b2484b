/**
 * The Lua sandbox itself (fengari, Lua 5.3). Runs inside a worker thread
 * (lua-worker.ts), never in the worker process's main thread: the thread's
 * memory limit and the host's wall clock stop what the VM's own guards cannot.
 *
 * Guards: only `_G`, `table`, `string`, `math`, `utf8`; no `load`,
 * `loadfile`, `dofile`, `require`, `collectgarbage`, `string.dump`; text
 * chunks only; an instruction budget enforced by a count hook that, once
 * spent, fails every further instruction (so `pcall` cannot swallow it); the
 * string amplifiers (`string.rep`, `gsub`, `format`, `table.concat`) size-checked
 * before they allocate; every value crosses as plain data, never a JS object.
 */
import type * as Fengari from 'fengari';
import type { LuaState } from 'fengari';

/** A JSON-like value that crosses the sandbox boundary. */
export type LuaData = null | boolean | number | string | LuaData[] | { [key: string]: LuaData };

export interface SandboxLimits {
  /** VM instructions before the script is stopped. */
  readonly instructions: number;
  /** Largest string the script may build (bytes). */
  readonly maxStringBytes: number;
}

/** What the script can call on its host. */
export interface SandboxHost {
  log(line: string): void;
  /** Synchronous HTTP through the host, or undefined when the operator did not allow HTTP. */
  readonly http?: (request: { url: string; method: string; headers: Record<string, string>; body?: string }) => {
    status: number;
    headers: Record<string, string>;
    body: string;
  };
}

export type SandboxOutcome =
  | { readonly ok: true; readonly globals: Record<string, LuaData> }
  | { readonly ok: false; readonly kind: 'syntax' | 'runtime' | 'limit'; readonly message: string };

/** Internal marker in error messages raised by the guards, so the host can tell limits from script errors. */
export const LIMIT_MARK = '[coflow-lua-limit] ';

const MAX_DEPTH = 32;
const COUNT_EVERY = 1000;

/**
 * A sandbox factory bound to one fengari instance. `onArmed` tells the string
 * allocation guard (installed by lua-worker.ts) when user code runs, and
 * `trip` lets it stop the VM the same way the instruction budget does.
 */
export function createSandbox(fengari: typeof Fengari) {
  const { lua, lauxlib, lualib, to_luastring } = fengari;
  const S = to_luastring;

  function pushData(L: LuaState, v: LuaData, depth = 0): void {
    if (depth > MAX_DEPTH) lauxlib.luaL_error(L, S('value nested too deeply'));
    if (v === null) lua.lua_pushnil(L);
    else if (typeof v === 'boolean') lua.lua_pushboolean(L, v);
    else if (typeof v === 'number') {
      // fengari integers are 32-bit: larger whole numbers travel as floats.
      if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) lua.lua_pushinteger(L, v);
      else lua.lua_pushnumber(L, v);
    } else if (typeof v === 'string') lua.lua_pushstring(L, S(v));
    else if (Array.isArray(v)) {
      lua.lua_createtable(L, v.length, 0);
      v.forEach((item, i) => {
        pushData(L, item, depth + 1);
        lua.lua_rawseti(L, -2, i + 1);
      });
    } else {
      lua.lua_createtable(L, 0, Object.keys(v).length);
      for (const [key, item] of Object.entries(v)) {
        pushData(L, item, depth + 1);
        lua.lua_setfield(L, -2, S(key));
      }
    }
  }

  /** Reads the value at `idx` as plain data; functions and other non-data values are errors. */
  function readData(L: LuaState, idx: number, depth = 0): LuaData {
    const at = lua.lua_absindex(L, idx);
    const type = lua.lua_type(L, at);
    if (type === lua.LUA_TNIL) return null;
    if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, at);
    if (type === lua.LUA_TNUMBER) return lua.lua_tonumber(L, at);
    if (type === lua.LUA_TSTRING) return lua.lua_tojsstring(L, at);
    if (type !== lua.LUA_TTABLE) throw new TypeError(`cannot pass a Lua ${typeName(L, type)} out of the hook`);
    if (depth > MAX_DEPTH) throw new TypeError('table nested too deeply (or cyclic)');
    const entries: [string | number, LuaData][] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, at)) {
      const keyType = lua.lua_type(L, -2);
      // Never lua_tojsstring a number key in place: it would confuse lua_next.
      const key = keyType === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -2) : keyType === lua.LUA_TSTRING ? lua.lua_tojsstring(L, -2) : undefined;
      if (key === undefined) {
        lua.lua_pop(L, 2);
        throw new TypeError(`table keys must be strings or numbers, got a ${typeName(L, keyType)}`);
      }
      entries.push([key, readData(L, -1, depth + 1)]);
      lua.lua_pop(L, 1);
    }
    const isArray = entries.length > 0 && entries.every(([k]) => typeof k === 'number') && entries.map(([k]) => k as number).sort((a, b) => a - b).every((k, i) => k === i + 1);
    if (isArray) return [...entries].sort((a, b) => (a[0] as number) - (b[0] as number)).map(([, v]) => v);
    const out: { [key: string]: LuaData } = {};
    for (const [k, v] of entries) out[String(k)] = v;
    return out;
  }

  function typeName(_L: LuaState, type: number): string {
    return ({ [lua.LUA_TFUNCTION]: 'function', [lua.LUA_TTABLE]: 'table', [lua.LUA_TBOOLEAN]: 'boolean' } as Record<number, string>)[type] ?? 'value';
  }

  /** Lua code run (trusted, before the hook) to wrap the string amplifiers with size checks. */
  function guardsChunk(maxBytes: number): string {
    return `
local MAX, MARK = ${maxBytes}.0, ${JSON.stringify(LIMIT_MARK)}
local rep, gsub, format, concat, tostring, type, error, select = string.rep, string.gsub, string.format, table.concat, tostring, type, error, select
local function over(what, n) error(MARK .. what .. ": result of " .. string.format("%.0f", n) .. " bytes exceeds the limit of " .. string.format("%.0f", MAX), 3) end
local function len(v) if type(v) == "string" or type(v) == "number" then return #tostring(v) end return 0 end
string.rep = function(s, n, sep)
  local count = (tonumber(n) or 0) + 0.0
  if count > 0 then
    local total = len(s) * count + len(sep) * (count - 1)
    if total > MAX then over("string.rep", total) end
  end
  return rep(s, n, sep)
end
string.gsub = function(s, p, r, n)
  local size = len(s) + 0.0
  if type(r) == "function" or type(r) == "table" then
    local f, total = r, size
    local pick = type(r) == "table" and function(k) return f[k] end or f
    r = function(...)
      local v = pick(...)
      total = total + len(v)
      if total > MAX then over("string.gsub", total) end
      return v
    end
  else
    local repl = tostring(r or "")
    local _, refs = gsub(repl, "%%", "")
    local total = size + (size + 1) * (#repl + refs * size)
    if total > MAX then over("string.gsub", total) end
  end
  return gsub(s, p, r, n)
end
string.format = function(fmt, ...)
  local total = len(fmt) + 0.0
  for i = 1, select("#", ...) do total = total + len((select(i, ...))) + 99 end
  if total > MAX then over("string.format", total) end
  return format(fmt, ...)
end
table.concat = function(t, sep, i, j)
  i = i or 1
  j = j or #t
  local total, seplen = 0.0, len(sep)
  for k = i, j do
    total = total + len(t[k]) + seplen
    if total > MAX then over("table.concat", total) end
  end
  return concat(t, sep, i, j)
end
getmetatable("").__metatable = false
`;
  }

  /**
   * Runs `source` with `globals` set (as plain data) and returns the globals
   * named in `read` afterwards. `setArmed(true)` is called just before user
   * code runs; the returned `trip` stops the VM from a guard.
   */
  function run(
    source: string,
    globals: Record<string, LuaData>,
    read: readonly string[],
    host: SandboxHost,
    limits: SandboxLimits,
    setArmed: (armed: boolean, trip: (L: LuaState, message: string) => never) => void,
  ): SandboxOutcome {
    const L = lauxlib.luaL_newstate();
    const libs: [string, Fengari.LuaCFunction][] = [
      ['_G', lualib.luaopen_base],
      ['table', lualib.luaopen_table],
      ['string', lualib.luaopen_string],
      ['math', lualib.luaopen_math],
      ['utf8', lualib.luaopen_utf8],
    ];
    for (const [name, open] of libs) {
      lauxlib.luaL_requiref(L, S(name), open, 1);
      lua.lua_pop(L, 1);
    }
    for (const name of ['load', 'loadfile', 'dofile', 'require', 'collectgarbage', 'print', 'loadstring', 'module']) {
      lua.lua_pushnil(L);
      lua.lua_setglobal(L, S(name));
    }
    lua.lua_getglobal(L, S('string'));
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, S('dump'));
    lua.lua_pop(L, 1);

    let logged = 0;
    const logFn = (L: LuaState): number => {
      const n = lua.lua_gettop(L);
      const parts: string[] = [];
      for (let i = 1; i <= n; i++) {
        parts.push(fengari.to_jsstring(lauxlib.luaL_tolstring(L, i)));
        lua.lua_pop(L, 1);
      }
      if (++logged <= 1000) host.log(parts.join(' ').slice(0, 8192));
      return 0;
    };
    lua.lua_pushcfunction(L, logFn);
    lua.lua_setglobal(L, S('log'));
    lua.lua_pushcfunction(L, logFn);
    lua.lua_setglobal(L, S('print'));

    lua.lua_createtable(L, 0, 2);
    lua.lua_pushcfunction(L, (L) => {
      let value: LuaData;
      try {
        value = readData(L, 1);
      } catch (err) {
        return lauxlib.luaL_error(L, S(`json.encode: ${(err as Error).message}`));
      }
      const text = JSON.stringify(value);
      if (text.length > limits.maxStringBytes) return lauxlib.luaL_error(L, S(`${LIMIT_MARK}json.encode: result exceeds ${limits.maxStringBytes} bytes`));
      lua.lua_pushstring(L, S(text));
      return 1;
    });
    lua.lua_setfield(L, -2, S('encode'));
    lua.lua_pushcfunction(L, (L) => {
      const text = fengari.to_jsstring(lauxlib.luaL_checkstring(L, 1));
      let value: LuaData;
      try {
        value = JSON.parse(text) as LuaData;
      } catch (err) {
        return lauxlib.luaL_error(L, S(`json.decode: ${(err as Error).message}`));
      }
      pushData(L, value);
      return 1;
    });
    lua.lua_setfield(L, -2, S('decode'));
    lua.lua_setglobal(L, S('json'));

    const httpFn = host.http;
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushcfunction(L, (L) => {
      if (httpFn === undefined) return lauxlib.luaL_error(L, S('http is not allowed on this worker (the operator sets COFLOW_LUA_HTTP_ALLOW)'));
      let req: LuaData;
      try {
        req = readData(L, 1);
      } catch (err) {
        return lauxlib.luaL_error(L, S(`http.request: ${(err as Error).message}`));
      }
      if (typeof req === 'string') req = { url: req };
      if (req === null || typeof req !== 'object' || Array.isArray(req) || typeof req.url !== 'string') {
        return lauxlib.luaL_error(L, S('http.request takes a URL or a table { url, method, headers, body }'));
      }
      const headers: Record<string, string> = {};
      if (req.headers !== null && typeof req.headers === 'object' && !Array.isArray(req.headers)) {
        for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      let res;
      try {
        res = httpFn({ url: req.url, method: typeof req.method === 'string' ? req.method : 'GET', headers, ...(typeof req.body === 'string' ? { body: req.body } : {}) });
      } catch (err) {
        return lauxlib.luaL_error(L, S(`http.request: ${(err as Error).message}`));
      }
      pushData(L, res);
      return 1;
    });
    lua.lua_setfield(L, -2, S('request'));
    lua.lua_setglobal(L, S('http'));

    for (const [name, value] of Object.entries(globals)) {
      pushData(L, value);
      lua.lua_setglobal(L, S(name));
    }

    // Trusted guards first (not counted), then the user's chunk.
    const guards = S(guardsChunk(limits.maxStringBytes));
    if (lauxlib.luaL_loadbufferx(L, guards, guards.length, S('=guards'), S('t')) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
      throw new Error(`Lua sandbox guards failed: ${lua.lua_tojsstring(L, -1)}`);
    }
    const code = S(source);
    if (lauxlib.luaL_loadbufferx(L, code, code.length, S('=hook'), S('t')) !== lua.LUA_OK) {
      return { ok: false, kind: 'syntax', message: lua.lua_tojsstring(L, -1) };
    }

    let executed = 0;
    let limitMessage: string | undefined;
    const hook = (L: LuaState): void => {
      executed += COUNT_EVERY;
      if (limitMessage === undefined && executed > limits.instructions) {
        limitMessage = `instruction limit exceeded (${limits.instructions} instructions)`;
      }
      // Once a limit is hit, every instruction fails, so pcall cannot keep the script alive.
      if (limitMessage !== undefined) {
        lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, 1);
        lauxlib.luaL_error(L, S(LIMIT_MARK + limitMessage));
      }
    };
    const trip = (L: LuaState, message: string): never => {
      limitMessage ??= message;
      setArmed(false, trip);
      lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, 1);
      return lauxlib.luaL_error(L, S(LIMIT_MARK + message));
    };
    lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, COUNT_EVERY);
    setArmed(true, trip);
    const status = lua.lua_pcall(L, 0, 0, 0);
    setArmed(false, trip);
    lua.lua_sethook(L, null, 0, 0);

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
        out[name] = readData(L, -1);
      } catch (err) {
        return { ok: false, kind: 'runtime', message: `${name}: ${(err as Error).message}` };
      }
      lua.lua_pop(L, 1);
    }
    return { ok: true, globals: out };
  }

  return { run };
}
