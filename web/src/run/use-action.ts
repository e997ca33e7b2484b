/**
 * One API call a button starts: busy while it runs (so a second click does
 * nothing), then its outcome or the API's error for the page to show.
 */
import { useCallback, useRef, useState } from 'preact/hooks';

export interface ActionState<T> {
  /** The label of the call in flight. */
  readonly busy?: string;
  readonly result?: { readonly label: string; readonly value: T };
  readonly error?: unknown;
}

export function useAction<T>(): [ActionState<T>, (label: string, call: () => Promise<T>) => Promise<void>] {
  const [state, setState] = useState<ActionState<T>>({});
  const inFlight = useRef(false);
  const run = useCallback(async (label: string, call: () => Promise<T>) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setState({ busy: label });
    try {
      setState({ result: { label, value: await call() } });
    } catch (error) {
      setState({ error });
    } finally {
      inFlight.current = false;
    }
  }, []);
  return [state, run];
}
