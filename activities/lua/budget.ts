/**
 * The instruction budget. A count hook adds up instructions; once the budget
 * is spent, or a guard trips, the hook is re-armed to fail on every
 * instruction, so a script that catches the error with `pcall` cannot keep
 * running (a plain count hook is survived by `while true do pcall(…) end`).
 */
import type * as Fengari from 'fengari';
import type { LuaState } from 'fengari';

/** Marks the messages of errors raised by the guards, so the host can tell limits from script errors. */
export const LIMIT_MARK = '[coflow-lua-limit] ';

/** Stops the VM from a guard the way a spent budget does. */
export type Trip = (L: LuaState, message: string) => never;

/** Told when user code starts (`true`) and stops (`false`) running, with the {@link Trip} that stops it. */
export type SetArmed = (armed: boolean, trip: Trip) => void;

const COUNT_EVERY = 1000;

/**
 * Calls the function on top of the stack with no arguments and no results,
 * under a budget of `instructions`. `limitMessage` says why it was stopped,
 * when a limit (not the script) ended it.
 */
export function callWithBudget(fengari: typeof Fengari, L: LuaState, instructions: number, setArmed: SetArmed): { status: number; limitMessage: string | undefined } {
  const { lua, lauxlib, to_luastring: S } = fengari;
  let executed = 0;
  let limitMessage: string | undefined;
  const hook = (L: LuaState): void => {
    executed += COUNT_EVERY;
    if (limitMessage === undefined && executed > instructions) {
      limitMessage = `instruction limit exceeded (${instructions} instructions)`;
    }
    // Once a limit is hit, every instruction fails, so pcall cannot keep the script alive.
    if (limitMessage !== undefined) {
      lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, 1);
      lauxlib.luaL_error(L, S(LIMIT_MARK + limitMessage));
    }
  };
  const trip: Trip = (L, message) => {
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
  return { status, limitMessage };
}
