/**
 * A Lua state with only the safe libraries (`_G`, `table`, `string`, `math`,
 * `utf8`; never luaL_openlibs) and without the functions that load code,
 * reach files or the collector: no `load`, `loadfile`, `dofile`, `require`,
 * `collectgarbage`, `string.dump`. Chunks are loaded as text only, never as
 * precompiled bytecode.
 */
import type * as Fengari from 'fengari';
import type { LuaState } from 'fengari';

/** Globals removed after the base library opens (`print` comes back as the host's `log`). */
const REMOVED_GLOBALS = ['load', 'loadfile', 'dofile', 'require', 'collectgarbage', 'print', 'loadstring', 'module'];

/** A new state with the safe libraries open and the dangerous globals gone. */
export function newSafeState(fengari: typeof Fengari): LuaState {
  const { lua, lauxlib, lualib, to_luastring: S } = fengari;
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
  for (const name of REMOVED_GLOBALS) {
    lua.lua_pushnil(L);
    lua.lua_setglobal(L, S(name));
  }
  lua.lua_getglobal(L, S('string'));
  lua.lua_pushnil(L);
  lua.lua_setfield(L, -2, S('dump'));
  lua.lua_pop(L, 1);
  return L;
}

/** Compiles `source` as a text chunk (mode "t") and pushes it; returns false with the message on the stack on a syntax error. */
export function loadText(fengari: typeof Fengari, L: LuaState, source: string, chunkName: string): boolean {
  const { lua, lauxlib, to_luastring: S } = fengari;
  const code = S(source);
  return lauxlib.luaL_loadbufferx(L, code, code.length, S(chunkName), S('t')) === lua.LUA_OK;
}
