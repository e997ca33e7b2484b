/**
 * Keeps `xpcall` message handlers inside the instruction budget.
 *
 * When the budget's count hook raises its error, the VM is still inside the
 * hook, where hooks are off: Lua (and fengari) call the message handler right
 * there, before unwinding, so a handler that loops would run uncounted until
 * the wall clock killed the thread. The guard wraps every handler: for a
 * limit error it returns the message without running user code; for any
 * other error the handler runs as usual, counted like the rest of the script.
 * The wrapper holds its own references to `xpcall`, `type` and
 * `string.find`, so a script that replaces those globals changes nothing here.
 */
import type * as Fengari from 'fengari';
import type { LuaState } from 'fengari';
import { LIMIT_MARK } from './budget.ts';
import { loadText } from './safe-state.ts';

const GUARD = `
local mark = ...
local xpcall, find, type = xpcall, string.find, type
_G.xpcall = function(f, handler, ...)
  if type(handler) ~= "function" then return xpcall(f, handler, ...) end
  return xpcall(f, function(m)
    if type(m) == "string" and find(m, mark, 1, true) then return m end
    return handler(m)
  end, ...)
end
`;

/** Replaces `xpcall` with the guarded one; run before any user code. */
export function installHandlerGuard(fengari: typeof Fengari, L: LuaState): void {
  const { lua, to_luastring: S } = fengari;
  if (!loadText(fengari, L, GUARD, '=xpcall-guard')) throw new Error(`xpcall guard: ${lua.lua_tojsstring(L, -1)}`);
  lua.lua_pushstring(L, S(LIMIT_MARK));
  if (lua.lua_pcall(L, 1, 0, 0) !== lua.LUA_OK) throw new Error(`xpcall guard: ${lua.lua_tojsstring(L, -1)}`);
}
