/**
 * The small part of fengari 0.1.5 (Lua 5.3 in JavaScript, untyped) that
 * coflow uses. Lua strings are byte arrays; `to_luastring`/`to_jsstring` convert.
 */
declare module 'fengari' {
  /** An opaque Lua state. */
  export interface LuaState {
    readonly __brand: 'lua_State';
  }
  export type LuaString = Uint8Array;
  /** A host function: reads its arguments from the stack, pushes results, returns how many. */
  export type LuaCFunction = (L: LuaState) => number;
  export type LuaHook = (L: LuaState, ar: unknown) => void;

  export const lua: {
    readonly LUA_OK: number;
    readonly LUA_ERRSYNTAX: number;
    readonly LUA_MASKCOUNT: number;
    readonly LUA_MULTRET: number;
    readonly LUA_TNIL: number;
    readonly LUA_TBOOLEAN: number;
    readonly LUA_TNUMBER: number;
    readonly LUA_TSTRING: number;
    readonly LUA_TTABLE: number;
    readonly LUA_TFUNCTION: number;
    lua_absindex(L: LuaState, idx: number): number;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_getfield(L: LuaState, idx: number, k: LuaString): number;
    lua_getglobal(L: LuaState, name: LuaString): number;
    lua_getmetatable(L: LuaState, idx: number): boolean;
    lua_gettop(L: LuaState): number;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_next(L: LuaState, idx: number): boolean;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_pop(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushcfunction(L: LuaState, f: LuaCFunction): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: LuaString): void;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_rawlen(L: LuaState, idx: number): number;
    lua_setfield(L: LuaState, idx: number, k: LuaString): void;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_sethook(L: LuaState, f: LuaHook | null, mask: number, count: number): void;
    lua_settop(L: LuaState, idx: number): void;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_tojsstring(L: LuaState, idx: number): string;
    lua_type(L: LuaState, idx: number): number;
  };
  export const lauxlib: {
    luaL_newstate(): LuaState;
    luaL_requiref(L: LuaState, modname: LuaString, openf: LuaCFunction, glb: number): void;
    luaL_loadbufferx(L: LuaState, buff: LuaString, size: number, name: LuaString, mode: LuaString): number;
    luaL_error(L: LuaState, fmt: LuaString, ...args: unknown[]): never;
    luaL_tolstring(L: LuaState, idx: number): LuaString;
    luaL_checkstring(L: LuaState, arg: number): LuaString;
  };
  export const lualib: {
    luaopen_base: LuaCFunction;
    luaopen_table: LuaCFunction;
    luaopen_string: LuaCFunction;
    luaopen_math: LuaCFunction;
    luaopen_utf8: LuaCFunction;
  };
  export function to_luastring(s: string): LuaString;
  export function to_jsstring(s: LuaString): string;
}
