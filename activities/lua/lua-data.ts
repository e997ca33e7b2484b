/**
 * Values crossing the sandbox boundary. Only plain data crosses (nil,
 * boolean, number, string, table), converted here by hand: a JS object pushed
 * as userdata would let a script climb out through `x.constructor.constructor`.
 */
import type * as Fengari from 'fengari';
import type { LuaState } from 'fengari';

/** A JSON-like value that crosses the sandbox boundary. */
export type LuaData = null | boolean | number | string | LuaData[] | { [key: string]: LuaData };

/** Pushes and reads plain data on one fengari instance. */
export interface LuaDataBridge {
  /** Pushes `v` as a Lua value; raises a Lua error when it is nested too deeply. */
  push(L: LuaState, v: LuaData): void;
  /** Reads the value at `idx` as plain data; throws a TypeError for functions and other non-data values. */
  read(L: LuaState, idx: number): LuaData;
}

const MAX_DEPTH = 32;
/** Stack slots one level of a table needs: the table, a key and a value. */
const SLOTS_PER_LEVEL = 3;

/** A table's entries as a list when its keys are exactly 1..n, else as an object. */
function fromEntries(entries: readonly [string | number, LuaData][]): LuaData {
  const isArray = entries.length > 0 && entries.every(([k]) => typeof k === 'number') && entries.map(([k]) => k as number).sort((a, b) => a - b).every((k, i) => k === i + 1);
  if (isArray) return [...entries].sort((a, b) => (a[0] as number) - (b[0] as number)).map(([, v]) => v);
  const out: { [key: string]: LuaData } = {};
  for (const [k, v] of entries) out[String(k)] = v;
  return out;
}

/** The bridge for one fengari instance (the one lua-worker.ts loaded after wrapping its string constructor). */
export function createDataBridge(fengari: typeof Fengari): LuaDataBridge {
  const { lua, lauxlib, to_luastring: S } = fengari;

  const typeName = (type: number): string =>
    ({ [lua.LUA_TFUNCTION]: 'function', [lua.LUA_TTABLE]: 'table', [lua.LUA_TBOOLEAN]: 'boolean' } as Record<number, string>)[type] ?? 'value';

  function push(L: LuaState, v: LuaData, depth = 0): void {
    // A host function may use only 20 stack slots unless it asks for more: ask for every level.
    if (depth > MAX_DEPTH || !lua.lua_checkstack(L, SLOTS_PER_LEVEL)) lauxlib.luaL_error(L, S('value nested too deeply'));
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
        push(L, item, depth + 1);
        lua.lua_rawseti(L, -2, i + 1);
      });
    } else {
      lua.lua_createtable(L, 0, Object.keys(v).length);
      for (const [key, item] of Object.entries(v)) {
        push(L, item, depth + 1);
        lua.lua_setfield(L, -2, S(key));
      }
    }
  }

  function read(L: LuaState, idx: number, depth = 0): LuaData {
    const at = lua.lua_absindex(L, idx);
    const type = lua.lua_type(L, at);
    if (type === lua.LUA_TNIL) return null;
    if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, at);
    if (type === lua.LUA_TNUMBER) return lua.lua_tonumber(L, at);
    if (type === lua.LUA_TSTRING) return lua.lua_tojsstring(L, at);
    if (type !== lua.LUA_TTABLE) throw new TypeError(`cannot pass a Lua ${typeName(type)} out of the hook`);
    if (depth > MAX_DEPTH || !lua.lua_checkstack(L, SLOTS_PER_LEVEL)) throw new TypeError('table nested too deeply (or cyclic)');
    const entries: [string | number, LuaData][] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, at)) {
      const keyType = lua.lua_type(L, -2);
      // Never lua_tojsstring a number key in place: it would confuse lua_next.
      const key = keyType === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -2) : keyType === lua.LUA_TSTRING ? lua.lua_tojsstring(L, -2) : undefined;
      if (key === undefined) {
        lua.lua_pop(L, 2);
        throw new TypeError(`table keys must be strings or numbers, got a ${typeName(keyType)}`);
      }
      entries.push([key, read(L, -1, depth + 1)]);
      lua.lua_pop(L, 1);
    }
    return fromEntries(entries);
  }

  return { push: (L, v) => push(L, v), read: (L, idx) => read(L, idx) };
}
