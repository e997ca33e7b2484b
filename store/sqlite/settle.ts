/** The synchronous driver behind the asynchronous store interface. */

/**
 * Runs one synchronous database call as a promise: a failure (a closed
 * handle, a locked or broken file) arrives as a rejection, never as a
 * synchronous throw, as callers of an asynchronous interface expect.
 */
export function settle<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
