/**
 * Size-checked string functions. Count hooks do not fire inside library
 * functions written in JS, so the amplifiers (`string.rep`, `string.gsub`,
 * `string.format`, `table.concat`) are wrapped to compute the size of their
 * result and refuse it before they allocate. The string metatable is locked
 * so `("x"):rep(n)` reaches the wrapped function too.
 */
import type * as Fengari from 'fengari';
import type { LuaState } from 'fengari';
import { LIMIT_MARK } from './budget.ts';
import { loadText } from './safe-state.ts';

/** The trusted Lua code that installs the wrappers. */
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

/** Wraps the string amplifiers of `L` to refuse results over `maxBytes`; run before the user's chunk, outside the budget. */
export function installStringGuards(fengari: typeof Fengari, L: LuaState, maxBytes: number): void {
  const { lua } = fengari;
  if (!loadText(fengari, L, guardsChunk(maxBytes), '=guards') || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    throw new Error(`Lua sandbox guards failed: ${lua.lua_tojsstring(L, -1)}`);
  }
}
