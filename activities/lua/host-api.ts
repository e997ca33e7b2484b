/**
 * What a script can call on its host: `log` (and `print`), `json.encode`,
 * `json.decode` and `http.request`. Arguments and results cross as plain
 * data (lua-data.ts); failures are Lua errors the script may catch, except
 * an oversized `json.encode`, which is a limit.
 */
import type * as Fengari from 'fengari';
import type { LuaState } from 'fengari';
import { LIMIT_MARK } from './budget.ts';
import type { LuaData, LuaDataBridge } from './lua-data.ts';

// Type literals, not interfaces: a response is pushed into Lua as LuaData, which needs an index signature.
/** A request a script makes through `http.request`. */
export type LuaHttpRequest = { url: string; method: string; headers: Record<string, string>; body?: string };

/** What the host answers to a {@link LuaHttpRequest}. */
export type LuaHttpResponse = { status: number; headers: Record<string, string>; body: string };

/** What the script can call on its host. */
export interface SandboxHost {
  log(line: string): void;
  /** Synchronous HTTP through the host, or undefined when the operator did not allow HTTP. */
  readonly http?: (request: LuaHttpRequest) => LuaHttpResponse;
}

const MAX_LOG_LINES = 1000;
const MAX_LOG_LINE_CHARS = 8192;

type Fengari = typeof Fengari;

function installLog(fengari: Fengari, L: LuaState, host: SandboxHost): void {
  const { lua, lauxlib, to_luastring: S } = fengari;
  let logged = 0;
  const logFn = (L: LuaState): number => {
    const n = lua.lua_gettop(L);
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) {
      parts.push(fengari.to_jsstring(lauxlib.luaL_tolstring(L, i)));
      lua.lua_pop(L, 1);
    }
    if (++logged <= MAX_LOG_LINES) host.log(parts.join(' ').slice(0, MAX_LOG_LINE_CHARS));
    return 0;
  };
  lua.lua_pushcfunction(L, logFn);
  lua.lua_setglobal(L, S('log'));
  lua.lua_pushcfunction(L, logFn);
  lua.lua_setglobal(L, S('print'));
}

function installJson(fengari: Fengari, L: LuaState, maxStringBytes: number, data: LuaDataBridge): void {
  const { lua, lauxlib, to_luastring: S } = fengari;
  lua.lua_createtable(L, 0, 2);
  lua.lua_pushcfunction(L, (L) => {
    let value: LuaData;
    try {
      value = data.read(L, 1);
    } catch (err) {
      return lauxlib.luaL_error(L, S(`json.encode: ${(err as Error).message}`));
    }
    const text = JSON.stringify(value);
    if (text.length > maxStringBytes) return lauxlib.luaL_error(L, S(`${LIMIT_MARK}json.encode: result exceeds ${maxStringBytes} bytes`));
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
    data.push(L, value);
    return 1;
  });
  lua.lua_setfield(L, -2, S('decode'));
  lua.lua_setglobal(L, S('json'));
}

/** `http.request`'s argument (a URL or `{ url, method, headers, body }`) as a request, or why it is none. */
function toHttpRequest(arg: LuaData): LuaHttpRequest | string {
  const req: LuaData = typeof arg === 'string' ? { url: arg } : arg;
  if (req === null || typeof req !== 'object' || Array.isArray(req) || typeof req.url !== 'string') {
    return 'http.request takes a URL or a table { url, method, headers, body }';
  }
  const headers: Record<string, string> = {};
  if (req.headers !== null && typeof req.headers === 'object' && !Array.isArray(req.headers)) {
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return { url: req.url, method: typeof req.method === 'string' ? req.method : 'GET', headers, ...(typeof req.body === 'string' ? { body: req.body } : {}) };
}

function installHttp(fengari: Fengari, L: LuaState, host: SandboxHost, data: LuaDataBridge): void {
  const { lua, lauxlib, to_luastring: S } = fengari;
  const httpFn = host.http;
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushcfunction(L, (L) => {
    if (httpFn === undefined) return lauxlib.luaL_error(L, S('http is not allowed on this worker (the operator sets COFLOW_LUA_HTTP_ALLOW)'));
    let request: LuaHttpRequest | string;
    try {
      request = toHttpRequest(data.read(L, 1));
    } catch (err) {
      return lauxlib.luaL_error(L, S(`http.request: ${(err as Error).message}`));
    }
    if (typeof request === 'string') return lauxlib.luaL_error(L, S(request));
    let res: LuaHttpResponse;
    try {
      res = httpFn(request);
    } catch (err) {
      return lauxlib.luaL_error(L, S(`http.request: ${(err as Error).message}`));
    }
    data.push(L, res);
    return 1;
  });
  lua.lua_setfield(L, -2, S('request'));
  lua.lua_setglobal(L, S('http'));
}

/** Sets the host functions as globals of `L`. */
export function installHostApi(fengari: Fengari, L: LuaState, host: SandboxHost, maxStringBytes: number, data: LuaDataBridge): void {
  installLog(fengari, L, host);
  installJson(fengari, L, maxStringBytes, data);
  installHttp(fengari, L, host, data);
}
