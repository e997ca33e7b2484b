/**
 * Syntax check of Lua hooks (`pre`, `post`) at validation time: the chunk is
 * compiled by fengari, never run. A syntax error is reported like any other
 * flow error, with the line inside the hook.
 */
import { createRequire } from 'node:module';
import type * as Fengari from 'fengari';

const fengari = createRequire(import.meta.url)('fengari') as typeof Fengari;
const { lua, lauxlib, to_luastring } = fengari;

/** Compiles a Lua chunk (text only); returns the error and the chunk's line of it, or undefined when it compiles. */
export function luaSyntaxError(source: string, chunkName: string): { message: string; line: number | undefined } | undefined {
  const L = lauxlib.luaL_newstate();
  const code = to_luastring(source);
  const status = lauxlib.luaL_loadbufferx(L, code, code.length, to_luastring(`=${chunkName}`), to_luastring('t'));
  if (status === lua.LUA_OK) return undefined;
  const message = lua.lua_tojsstring(L, -1);
  const m = /^[^:]*:(\d+): ([\s\S]*)$/.exec(message);
  return m === null ? { message, line: undefined } : { message: m[2] ?? message, line: Number(m[1]) };
}
